import { RSS_STRUCTURE_DEMO_V1 } from '../../../../migrations/1796320000000-create-reintegration.js';
import { RSS_STRUCTURE_DEMO } from './rss-structure-demo.js';

describe('the shipped scheme', () => {
  it('the migration loads exactly RSS_STRUCTURE_DEMO (a change to one is a change to both)', () => {
    expect(RSS_STRUCTURE_DEMO_V1).toEqual(JSON.parse(JSON.stringify(RSS_STRUCTURE_DEMO)));
  });
});
