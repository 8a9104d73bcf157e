export * from './auth.service.js';
export * from './login-failures.repository.js';
export * from './login-failure.entity.js';
export * from './refresh-token.entity.js';
export * from './refresh-tokens.repository.js';
export * from './auth.module.js';
