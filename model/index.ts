export * from './contract';
export * from './environment';
export * from './validate';
export * from './load';
export * from './cidr';
