import { stringify } from 'csv-stringify/sync';
import type { ReportTable } from './reports.service.js';

interface Column {
  header: string;
  hxl: string;
  value: (row: Record<string, unknown>) => unknown;
}

/** Columns a labelled dimension adds after its id (names are public: the service directory). */
const LABEL_COLUMNS: Record<'site' | 'organization', Column[]> = {
  site: [
    { header: 'site_name', hxl: '#loc+name', value: (r) => r.siteName },
    { header: 'site_adm2_pcode', hxl: '#adm2+code', value: (r) => r.siteAdm2Pcode },
  ],
  organization: [
    { header: 'org_code', hxl: '#org+code', value: (r) => r.organizationCode },
    { header: 'org_name', hxl: '#org+name', value: (r) => r.organizationName },
  ],
};

/**
 * A report table as CSV for humanitarian data exchange (domain notes §3.5): a header row, the
 * HXL hashtag row, then one row per published cell — aggregates only, the period on every row
 * (#date+start, #date+end), a suppressed count left empty with `suppressed` = true. The total is
 * not a row (a tool summing the column would count it twice); it is in the JSON report.
 */
export function reportCsv(table: ReportTable, period: { from: string; to: string }): string {
  const def = table.definition;
  const columns: Column[] = [
    { header: 'from', hxl: '#date+start', value: () => period.from },
    { header: 'to', hxl: '#date+end', value: () => period.to },
  ];
  for (const name of table.groupBy) {
    const d = def.dimensions[name];
    columns.push({ header: d.header, hxl: d.hxl, value: (r) => r[name] });
    if (d.label) columns.push(...LABEL_COLUMNS[d.label]);
  }
  columns.push({ header: def.count.header, hxl: def.count.hxl, value: (r) => r.count });
  columns.push({ header: 'suppressed', hxl: '#meta+suppressed', value: (r) => r.suppressed === true });
  for (const m of def.measures) columns.push({ header: m.header, hxl: m.hxl, value: (r) => (Array.isArray(r[m.name]) ? (r[m.name] as string[]).join(' ') : r[m.name]) });
  return stringify(
    [columns.map((c) => c.header), columns.map((c) => c.hxl), ...table.rows.map((r) => columns.map((c) => c.value(r) ?? ''))],
    { cast: { boolean: (b) => (b ? 'true' : 'false') } },
  );
}
