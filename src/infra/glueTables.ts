/**
 * The Glue catalog of the lake: one database, one external Parquet table per lake table, each over
 * every snapshot of that table through a projected `snapshot` partition (lake layout v2,
 * src/lake/lakeLayout.ts: `<prefix>snapshots/<snapshotId>/<table>/*.parquet`).
 *
 * Why a projected partition and not a location repointed at each publish: the export publishes all
 * tables at once (one root manifest), but Glue has no transaction over tables, so ten UpdateTable
 * calls would let a query join a new `boxes` with an old `box_items`. With `injected` projection the
 * table covers every snapshot, the publish writes nothing to Glue, and Athena refuses any query that
 * does not name exactly one snapshot (`WHERE "snapshot" = '<id>'`, which the Trino compiler writes for
 * every table from the manifest it read), so a query can never mix two snapshots or scan them all.
 */
import { Aws, aws_glue as glue } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LAKE_SCHEMA, LAKE_TABLES, type LakeColumnType, type TableName } from '../contract/lakeSchema';

/** DuckDB lake types → Glue (Hive) column types, as Athena reads them. */
export const GLUE_TYPES: Readonly<Record<LakeColumnType, string>> = {
  BIGINT: 'bigint',
  INTEGER: 'int',
  VARCHAR: 'string',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  BOOLEAN: 'boolean',
};

export const GLUE_DATABASE_NAME = 'snaq_lake';
/** The partition column every Athena statement filters on; its value is a snapshot id. */
export const SNAPSHOT_PARTITION = 'snapshot';

/** Where Athena finds one snapshot of a table: `${snapshot}` is replaced by the id the query names. */
export function snapshotLocationTemplate(lakeLocation: string, table: TableName): string {
  return `${lakeLocation}snapshots/\${${SNAPSHOT_PARTITION}}/${table}/`;
}

/** `lakeLocation` is `s3://<bucket>/<prefix>` (ending in "/"). */
export function addLakeGlueTables(scope: Construct, lakeLocation: string): glue.CfnDatabase {
  const database = new glue.CfnDatabase(scope, 'LakeDatabase', {
    catalogId: Aws.ACCOUNT_ID,
    databaseInput: {
      name: GLUE_DATABASE_NAME,
      description: 'snaq.me lake: snapshots of the Aurora source as Parquet (governed metrics read it through Athena).',
    },
  });
  for (const table of LAKE_TABLES) {
    const glueTable = new glue.CfnTable(scope, `Table_${table}`, {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: GLUE_DATABASE_NAME,
      tableInput: {
        name: table,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: SNAPSHOT_PARTITION, type: 'string' }],
        parameters: {
          classification: 'parquet',
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          // Injected: the value comes from the query itself, so no list of snapshots is kept anywhere.
          [`projection.${SNAPSHOT_PARTITION}.type`]: 'injected',
          'storage.location.template': snapshotLocationTemplate(lakeLocation, table),
        },
        storageDescriptor: {
          // Only a base: with projection Athena reads the template's location, never this one.
          location: `${lakeLocation}snapshots/`,
          columns: Object.entries(LAKE_SCHEMA[table].columns).map(([name, type]) => ({ name, type: GLUE_TYPES[type] })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            parameters: { 'serialization.format': '1' },
          },
        },
      },
    });
    glueTable.addResourceDependency(database);
  }
  return database;
}
