export * from './demo-data.js';
export * from './seed.repository.js';
export * from './seed.service.js';
export * from './seed.module.js';
