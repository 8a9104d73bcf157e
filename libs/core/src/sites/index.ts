export * from './capacity.js';
export * from './services-directory.repository.js';
export * from './services-directory.service.js';
export * from './site.entity.js';
export * from './site.rules.js';
export * from './sites.repository.js';
export * from './sites.service.js';
export * from './sites.module.js';
