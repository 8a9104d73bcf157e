export * from './stays.module.js';
export * from './stay.entity.js';
export * from './stay-status.js';
export * from './stay.rules.js';
export * from './stay.types.js';
export * from './stays.service.js';
export * from './stays-alerts.job.js';
export * from './stays.subject-data.js';
