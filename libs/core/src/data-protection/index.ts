export * from './data-protection.module.js';
export * from './data-protection.service.js';
export * from './data-protection.rules.js';
export * from './subject-data.registry.js';
export * from './anonymization-request.entity.js';
export * from './anonymization-status.js';
