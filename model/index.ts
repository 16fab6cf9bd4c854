export * from './contract';
export * from './environment';
export * from './defaults';
export * from './validate';
export * from './load';
export * from './cidr';
