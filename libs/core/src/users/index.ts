export * from './password-hasher.js';
export * from './password-policy.js';
export * from './roles.js';
export * from './user.entity.js';
export * from './user.rules.js';
export * from './users.repository.js';
export * from './users.service.js';
export * from './users.module.js';
