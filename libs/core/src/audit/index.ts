export * from './audit-event.entity.js';
export * from './audit.writer.js';
export * from './audit.sealer.js';
export * from './audit.service.js';
export * from './audit.module.js';
export * from './audit.rules.js';
export * from './audit-chain.js';
