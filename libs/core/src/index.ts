export * from './entities.js';
export * from './database.js';
