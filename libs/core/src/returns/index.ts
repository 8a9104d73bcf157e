export * from './return.entity.js';
export * from './return-status.js';
export * from './returns.queries.js';
