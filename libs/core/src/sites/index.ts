export * from './services-directory.service.js';
export * from './site.entity.js';
export * from './site.rules.js';
export * from './sites.service.js';
