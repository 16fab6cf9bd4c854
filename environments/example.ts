import { defineEnvironment } from '../model';

/**
 * The seed's setup, reproduced: eastus2, a system pool AKS supports, a dedicated tainted
 * Materialize pool, Burstable PostgreSQL, Standard LRS blob storage with SAS auth,
 * and Event Hubs with the seed's `orders` and `customers` topics.
 * Copy this file to start your own environment.
 */
export default defineEnvironment({
  name: 'example',
  prefix: 'mzexample',
  location: 'eastus2',
  allowedClientRanges: ['203.0.113.0/24'],
  aks: {
    // Upstream's Azure example: E4pds_v6, scaling out under load. Synth checks that the pods fit.
    materializePool: { name: 'mzpool', vmSize: 'Standard_E4pds_v6', nodeCount: 2, maxCount: 4 },
    // Azure CNI powered by Cilium enforces the NetworkPolicies. Set explicitly: changing it replaces the cluster.
    networkPolicy: 'cilium',
  },
  postgres: {
    version: '15',
    skuName: 'B_Standard_B1ms',
    storageMb: 32768,
    database: 'materialize',
    maxConnections: 200,
  },
  storage: {
    tier: 'Standard',
    replication: 'LRS',
    container: 'materialize-persist',
    persistAuth: 'sas',
  },
  eventHubs: {
    sku: 'Standard',
    topics: [
      {
        name: 'orders',
        partitions: 4,
        source: { name: 'orders_raw', valueFormat: 'json', envelope: 'none' },
        views: [
          {
            name: 'orders',
            columns: [
              { name: 'order_id', type: 'text' },
              { name: 'customer_name', type: 'text' },
              { name: 'total_amount', type: 'double' },
              { name: 'status', type: 'text' },
              { name: 'created_at', type: 'text' },
              { name: 'region', type: 'text' },
            ],
          },
        ],
      },
      {
        name: 'customers',
        partitions: 2,
        source: { name: 'customers_raw', valueFormat: 'json', envelope: 'upsert', keyFormat: 'text' },
        views: [
          {
            name: 'customers',
            columns: [
              { name: 'customer_id', type: 'text' },
              { name: 'first_name', type: 'text' },
              { name: 'last_name', type: 'text' },
              { name: 'tier', type: 'text' },
              { name: 'total_orders', type: 'int' },
              { name: 'lifetime_value', type: 'double' },
            ],
          },
        ],
      },
    ],
    // Sources and views run on their own small cluster (mz_system's default cluster has no replicas).
    clusters: [{ name: 'ingest', size: '25cc', replicationFactor: 1 }],
    // Per-object grants; selectOnAll: true would grant every relation of schema public.
    roles: [{ name: 'analyst', selectOn: ['orders', 'customers'] }],
  },
  materialize: {
    environmentId: '7f615ba3-9d2c-4c1e-8a3b-5e0f4d2a6c17',
    operatorChartVersion: 'v26.37.0',
    swap: true,
  },
  gitops: {
    repositoryUrl: 'https://github.com/example-org/materialize-azure-gitops',
    branch: 'main',
  },
  // An example is meant to be torn down; real environments keep the default (true).
  dataProtection: false,
});
