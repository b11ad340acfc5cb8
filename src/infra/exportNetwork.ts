/**
 * Where the export job runs: the VPC of the Aurora cluster, imported by its ids (no lookups, so
 * `npm run synth` needs no AWS account), its private subnets, the job's security group, and the
 * VPC endpoints through which a task without a public IP reaches S3, Secrets Manager, ECR and
 * CloudWatch Logs.
 */
import { Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface ExportNetworkProps {
  vpcId: string;
  /** The AZs of `privateSubnetIds`, in the same order (one subnet per AZ). */
  availabilityZones: readonly string[];
  privateSubnetIds: readonly string[];
  /** The private subnets' route tables, in the same order; needed for the S3 gateway endpoint. */
  routeTableIds?: readonly string[];
  /** An existing security group for the job; else one is created (see `securityGroupCreated`). */
  securityGroupId?: string;
  /** Create the endpoints (default true); false when the subnets already reach AWS (a NAT, or endpoints the VPC has). */
  vpcEndpoints?: boolean;
}

/** What the job's task reaches by interface endpoint; S3 is a gateway endpoint (no hourly charge). */
export const EXPORT_INTERFACE_ENDPOINTS = {
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, // the container's secrets, fetched by ECS at start
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR, // the image's manifest
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER, // its layers are then read from S3 (gateway)
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, // the awslogs driver: the alarms' metric filters read these lines
} as const;

function checkIds(what: string, ids: readonly string[], prefix: string): void {
  for (const id of ids) if (!id.startsWith(prefix)) throw new Error(`${what} must be ids starting with "${prefix}", not "${id}".`);
}

export class ExportNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.ISubnet[];
  readonly securityGroup: ec2.ISecurityGroup;
  /** True when the stack made the job's security group: the DBA then allows it on the Aurora cluster's group. */
  readonly securityGroupCreated: boolean;

  constructor(scope: Construct, id: string, props: ExportNetworkProps) {
    super(scope, id);
    const { availabilityZones, privateSubnetIds, routeTableIds } = props;
    checkIds('vpcId', [props.vpcId], 'vpc-');
    checkIds('privateSubnetIds', privateSubnetIds, 'subnet-');
    if (routeTableIds) checkIds('routeTableIds', routeTableIds, 'rtb-');
    if (props.securityGroupId) checkIds('exportSecurityGroupId', [props.securityGroupId], 'sg-');
    if (availabilityZones.length === 0 || privateSubnetIds.length !== availabilityZones.length) {
      throw new Error(`Give one private subnet per availability zone: ${privateSubnetIds.length} subnets for ${availabilityZones.length} zones.`);
    }
    if (routeTableIds && routeTableIds.length !== privateSubnetIds.length) {
      throw new Error(`Give one route table per private subnet: ${routeTableIds.length} route tables for ${privateSubnetIds.length} subnets.`);
    }
    const endpoints = props.vpcEndpoints ?? true;
    if (endpoints && !routeTableIds) {
      throw new Error('routeTableIds are needed for the S3 gateway endpoint; or set vpcEndpoints to false when the subnets reach AWS through a NAT.');
    }

    // By attributes, not Vpc.fromLookup: synth stays offline and the template says exactly which subnets.
    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: props.vpcId,
      availabilityZones: [...availabilityZones],
      privateSubnetIds: [...privateSubnetIds],
      ...(routeTableIds ? { privateSubnetRouteTableIds: [...routeTableIds] } : {}),
    });
    this.subnets = this.vpc.privateSubnets;

    this.securityGroupCreated = !props.securityGroupId;
    this.securityGroup = props.securityGroupId
      ? ec2.SecurityGroup.fromSecurityGroupId(this, 'TaskSecurityGroup', props.securityGroupId, { mutable: false })
      : new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
          vpc: this.vpc,
          description: `snaq lake export job (${Stack.of(this).stackName}): allow it on the Aurora cluster security group (MySQL port)`,
          // Out to the Aurora reader (3306), the endpoints or a NAT (443); nothing may connect in.
          allowAllOutbound: true,
        });

    if (endpoints) {
      // A gateway endpoint on the subnets' route tables: S3 traffic (the lake, ECR's layers) stays
      // private and is not billed per GB. A route table can hold only one S3 gateway endpoint, so
      // set vpcEndpoints=false in a VPC that already has one (or has these interface endpoints with
      // private DNS, which also exist at most once per VPC).
      new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', {
        vpc: this.vpc,
        service: ec2.GatewayVpcEndpointAwsService.S3,
        subnets: [{ subnets: this.subnets }],
      });
      const endpointGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: this.vpc,
        description: 'snaq lake export job: HTTPS from the job to the VPC interface endpoints',
        allowAllOutbound: false,
      });
      endpointGroup.addIngressRule(ec2.Peer.securityGroupId(this.securityGroup.securityGroupId), ec2.Port.tcp(443), 'the snaq lake export job');
      for (const [name, service] of Object.entries(EXPORT_INTERFACE_ENDPOINTS)) {
        new ec2.InterfaceVpcEndpoint(this, `${name}Endpoint`, {
          vpc: this.vpc,
          service,
          subnets: { subnets: this.subnets, onePerAz: true },
          privateDnsEnabled: true,
          securityGroups: [endpointGroup],
          // Not open to the VPC's CIDR (unknown here): only the job's group may use them.
          open: false,
        });
      }
    }
  }
}
