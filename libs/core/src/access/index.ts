export * from './ability.factory.js';
