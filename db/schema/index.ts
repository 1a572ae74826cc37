export * from './enums';
export * from './org';
export * from './tickets';
export * from './relations';
