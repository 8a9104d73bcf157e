export * from './entities.js';
export * from './database.js';
export * from './identity.js';
export * from './audit/index.js';
export * from './cases/index.js';
export * from './referrals/index.js';
export * from './alerts/index.js';
export * from './activities/index.js';
