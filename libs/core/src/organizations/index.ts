export * from './capabilities.js';
export * from './organization.entity.js';
export * from './organization.rules.js';
export * from './organizations.repository.js';
export * from './organizations.service.js';
export * from './organizations.module.js';
