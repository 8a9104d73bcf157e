import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ENTITY_TYPES, contractEntityType, entityTypeFilter, STORED_ENTITY_TYPES } from './entity-types.js';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts') ? [path] : [];
  });

describe('audit entity types as the contract spells them (issue 28)', () => {
  it('stored PascalCase names read as lower snake_case', () => {
    expect(contractEntityType('Case')).toBe('case');
    expect(contractEntityType('ReintegrationPlan')).toBe('reintegration_plan');
    expect(contractEntityType('AnonymizationRequest')).toBe('anonymization_request');
    expect(AUDIT_ENTITY_TYPES).toEqual(expect.arrayContaining(['case', 'consent', 'screening', 'referral', 'stay', 'stay_extension', 'letter', 'return', 'movement', 'reintegration_plan', 'user', 'site', 'organization']));
    expect(AUDIT_ENTITY_TYPES.every((t) => /^[a-z]+(_[a-z]+)*$/.test(t))).toBe(true);
  });

  it('a filter type maps back to what is stored; parts to their parent with their id key; unknown is undefined', () => {
    expect(entityTypeFilter('case')).toEqual({ stored: 'Case' });
    expect(entityTypeFilter('stay_extension')).toEqual({ stored: 'Stay', actionPrefix: 'stay.extension_', idKey: 'extensionId' });
    for (const t of ['spaceship', 'Case', 'toString', '__proto__', 'constructor']) expect(entityTypeFilter(t)).toBeUndefined();
  });

  it('every audit target written in the code is a known stored type (a new one must be listed, or the filter cannot find it)', () => {
    const written = new Set<string>();
    for (const file of [...sources('libs'), ...sources('apps/api/src'), ...sources('apps/worker/src')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\{\s*type: '([A-Z][A-Za-z]*)',\s*id:/g)) written.add(m[1]);
    }
    expect(written.size).toBeGreaterThan(10);
    expect([...written].filter((t) => !(STORED_ENTITY_TYPES as readonly string[]).includes(t))).toEqual([]);
  });
});
