export * from './activities.module.js';
export * from './activities.service.js';
export * from './activity.entity.js';
export * from './activity.rules.js';
export * from './activity.types.js';
