import i18n from './i18n';

/** Mali's time zone (UTC, no daylight saving), whatever the device is set to. */
export const TIME_ZONE = 'Africa/Bamako';

const locale = () => (i18n.language === 'en' ? 'en-GB' : 'fr-FR');

/** dd/MM/yyyy of an instant, in Bamako. */
export function formatDate(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

/** dd/MM/yyyy HH:mm of an instant, in Bamako. */
export function formatDateTime(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '';
  return `${formatDate(d)} ${formatTime(d)}`;
}

export function formatTime(d: Date): string {
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** A calendar date (yyyy-MM-dd, no time) as dd/MM/yyyy, without any time-zone shift. */
export function formatDay(day: string | null | undefined): string {
  const m = day ? /^(\d{4})-(\d{2})-(\d{2})/.exec(day) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** An amount in CFA francs (XOF has no minor unit). */
export function formatXof(amount: number): string {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'XOF', maximumFractionDigits: 0 }).format(amount);
}

/** A country's name from its ISO 3166-1 alpha-3 code, in the user's language. */
export function countryName(alpha3: string | null | undefined): string {
  if (!alpha3) return '';
  const alpha2 = ALPHA3_TO_2[alpha3];
  if (!alpha2) return alpha3;
  try {
    return new Intl.DisplayNames([locale()], { type: 'region' }).of(alpha2) ?? alpha3;
  } catch {
    return alpha3;
  }
}

/** The countries a migrant in Mali most often comes from or goes to, first in lists. */
export const COMMON_COUNTRIES = ['MLI', 'GIN', 'SEN', 'CIV', 'BFA', 'NER', 'NGA', 'GMB', 'CMR', 'GHA', 'TGO', 'BEN', 'MRT', 'DZA', 'LBY', 'SLE', 'LBR', 'GNB', 'TCD', 'SDN', 'MAR', 'TUN', 'ESP', 'ITA', 'FRA'];

const ALPHA3_TO_2: Record<string, string> = {
  MLI: 'ML', GIN: 'GN', SEN: 'SN', CIV: 'CI', BFA: 'BF', NER: 'NE', NGA: 'NG', GMB: 'GM', CMR: 'CM', GHA: 'GH', TGO: 'TG', BEN: 'BJ',
  MRT: 'MR', DZA: 'DZ', LBY: 'LY', SLE: 'SL', LBR: 'LR', GNB: 'GW', TCD: 'TD', SDN: 'SD', MAR: 'MA', TUN: 'TN', ESP: 'ES', ITA: 'IT',
  FRA: 'FR', CAF: 'CF', COD: 'CD', COG: 'CG', GAB: 'GA', CPV: 'CV', EGY: 'EG', ETH: 'ET', ERI: 'ER', SOM: 'SO', SSD: 'SS', DEU: 'DE',
  BEL: 'BE', CHE: 'CH', GBR: 'GB', USA: 'US', CAN: 'CA', PRT: 'PT',
};
