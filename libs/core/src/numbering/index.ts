export * from './counter.entity.js';
export * from './counters.repository.js';
