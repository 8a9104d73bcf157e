export * from './alert.entity.js';
export * from './alert.rules.js';
export * from './alerts.repository.js';
export * from './alerts.service.js';
