import { DataAzurermStorageAccountSas } from '@cdktf/provider-azurerm/lib/data-azurerm-storage-account-sas';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Rotating } from '@cdktf/provider-time/lib/rotating';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { WORKLOAD_IDENTITY } from '../model/contract';
import { publicIpRules } from './ip-rules';
import type { Environment } from '../model/environment';

export interface PersistStorageProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** The account's global name (the model derives it: names.storageAccount). */
  readonly accountName: string;
  /** The model's `storage` section: container, tier, replication, auth, SAS lifetimes, network access. */
  readonly storage: Pick<
    Environment['storage'],
    'container' | 'tier' | 'replication' | 'persistAuth' | 'sasValidityDays' | 'sasRotationDays' | 'publicNetworkAccess'
  >;
  /** Workload identity only: the AKS OIDC issuer URL. @default - required for workloadIdentity */
  readonly oidcIssuerUrl?: string;
  /** Workload identity only: `system:serviceaccount:<namespace>:<name>` of environmentd. @default - required for workloadIdentity */
  readonly serviceAccountSubject?: string;
  /** Lifecycle prevent_destroy on the account and container. @default true */
  readonly preventDestroy?: boolean;
  /** Subnets admitted through their Microsoft.Storage service endpoint. @default [] */
  readonly allowedSubnetIds?: string[];
  /** Public client ranges admitted (Azure takes no private ranges here, and /31 and /32 only as bare addresses). @default [] */
  readonly allowedIpRanges?: string[];
  /**
   * Days deleted and overwritten blobs are kept as versions (and a deleted container is kept):
   * versioning on, a lifecycle rule removing versions older than this. @default - none kept
   */
  readonly recoveryDays?: number;
}

/** Azure's own default for blob soft delete: a deleted version (or blob) can be undeleted this long. */
const BLOB_SOFT_DELETE_DAYS = 7;

/**
 * Blob Storage for Materialize persist. The persist URL is
 * `https://<account>.blob.core.windows.net/<container>` plus, for SAS auth, the SAS query.
 */
export class PersistStorage extends Construct {
  readonly account: StorageAccount;
  readonly container: StorageContainer;
  /** persist_backend_url as a Terraform expression. */
  readonly backendUrl: string;
  /** SAS only: RFC 3339 expiry of the current SAS. */
  readonly sasExpiry?: string;
  /** SAS only: the expiry in Unix seconds, as a PromQL-ready sum of Terraform's rotation base and the validity. */
  readonly sasExpiryUnix?: string;
  /** Workload identity only: the client id environmentd's service account is annotated with. */
  readonly identityClientId?: string;

  constructor(scope: Construct, id: string, props: PersistStorageProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? true;
    this.account = new StorageAccount(this, 'Account', {
      name: props.accountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountTier: props.storage.tier,
      // Premium block blob is what Materialize recommends; Standard is the seed's StorageV2.
      accountKind: props.storage.tier === 'Premium' ? 'BlockBlobStorage' : 'StorageV2',
      accountReplicationType: props.storage.replication,
      httpsTrafficOnlyEnabled: true,
      minTlsVersion: 'TLS1_2',
      allowNestedItemsToBePublic: false,
      // An account SAS is signed with the account key; workload identity needs no key at all.
      sharedAccessKeyEnabled: props.storage.persistAuth === 'sas',
      networkRules: props.storage.publicNetworkAccess
        ? undefined
        : {
            defaultAction: 'Deny',
            virtualNetworkSubnetIds: props.allowedSubnetIds ?? [],
            ipRules: publicIpRules(props.allowedIpRanges ?? []),
            bypass: ['AzureServices'],
          },
      // Versions, not blob soft delete, carry the recovery window: persist deletes what it compacts
      // and a restore needs those blobs back for as long as the database can be restored. Soft delete
      // stays at Azure's default so a version removed by hand can still be undeleted for a week.
      blobProperties: props.recoveryDays
        ? {
            versioningEnabled: true,
            deleteRetentionPolicy: { days: BLOB_SOFT_DELETE_DAYS },
            containerDeleteRetentionPolicy: { days: props.recoveryDays },
          }
        : undefined,
      lifecycle: { preventDestroy },
    });
    this.container = new StorageContainer(this, 'Container', {
      name: props.storage.container,
      storageAccountId: this.account.id,
      containerAccessType: 'private',
      lifecycle: { preventDestroy },
    });
    const endpoint = `${this.account.primaryBlobEndpoint}${props.storage.container}`;
    if (props.recoveryDays) {
      new StorageManagementPolicy(this, 'VersionExpiry', {
        storageAccountId: this.account.id,
        rule: [
          {
            name: 'expire-noncurrent-persist-versions',
            enabled: true,
            filters: { blobTypes: ['blockBlob'], prefixMatch: [`${props.storage.container}/`] },
            actions: { version: { deleteAfterDaysSinceCreation: props.recoveryDays } },
          },
        ],
      });
    }

    if (props.storage.persistAuth === 'sas') {
      const validityHours = props.storage.sasValidityDays * 24;
      // The SAS start moves only when this rotates, so plans stay stable between rotations.
      const rotation = new Rotating(this, 'SasRotation', { rotationDays: props.storage.sasRotationDays });
      this.sasExpiry = Fn.timeadd(rotation.rfc3339, `${validityHours}h`);
      this.sasExpiryUnix = `${Token.asString(rotation.unix)} + ${validityHours * 3600}`;
      const sas = new DataAzurermStorageAccountSas(this, 'Sas', {
        connectionString: this.account.primaryConnectionString,
        httpsOnly: true,
        start: rotation.rfc3339,
        expiry: this.sasExpiry,
        services: { blob: true, queue: false, table: false, file: false },
        // Containers and blobs only: persist needs no service-level operation.
        resourceTypes: { service: false, container: true, object: true },
        permissions: {
          read: true,
          write: true,
          delete: true,
          list: true,
          add: true,
          create: true,
          update: true,
          process: true,
          tag: false,
          filter: false,
        },
      });
      this.backendUrl = `${endpoint}?${Fn.trimprefix(sas.sas, '?')}`;
    } else {
      if (!props.oidcIssuerUrl || !props.serviceAccountSubject) {
        throw new Error('PersistStorage: workloadIdentity needs oidcIssuerUrl and serviceAccountSubject');
      }
      const identity = new UserAssignedIdentity(this, 'Identity', {
        name: `${props.accountName}-persist`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
      });
      new RoleAssignment(this, 'BlobDataContributor', {
        scope: this.account.id,
        roleDefinitionName: 'Storage Blob Data Contributor',
        principalId: identity.principalId,
        principalType: 'ServicePrincipal',
      });
      new FederatedIdentityCredential(this, 'FederatedCredential', {
        name: 'materialize-environmentd',
        resourceGroupName: props.resourceGroupName,
        parentId: identity.id,
        audience: [WORKLOAD_IDENTITY.audience],
        issuer: props.oidcIssuerUrl,
        subject: props.serviceAccountSubject,
      });
      this.identityClientId = identity.clientId;
      // No query string: Materialize falls back to the default Azure credential (workload identity).
      this.backendUrl = endpoint;
    }
  }
}
