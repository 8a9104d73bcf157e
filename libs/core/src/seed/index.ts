export * from './demo-data.js';
export * from './seed.service.js';
