import { CHECKED, PRICES, type RegionPrices } from '../../../src/lib/cost/prices/aws-list-prices';

/**
 * Each price the per-environment knobs added or touched says when and against what it was checked, and
 * how: confirmed by a source, corroborated by sources that quote the AWS page, or not found (with what
 * was searched). None is left with a bare "re-check".
 */
const TOUCHED: (keyof RegionPrices)[] = [
  'kmsKeyMonth', 'kmsRotationMonth', 'xrayTracesPerMillion',
  'lambdaArmProvisionedGbSecond', 'lambdaArmProvisionedDurationGbSecond',
  'cognitoMau', 'cognitoPlusMau', 'cognitoLiteMau', 'cloudWatchMetricMonth',
  'dynamoWcuHour', 'dynamoRcuHour', 'natGatewayHour', 'natGatewayGb', 'interfaceEndpointAzHour',
  'healthCheckMonth', 'healthCheckFeatureMonth', 'wafWebAclMonth', 'wafRuleMonth', 'wafRequestsPerMillion',
  'auroraAcuHour', 'auroraStorageGbMonth', 'logsIngestGb', 'apiGatewayRestPerMillion', 'secretMonth',
];

describe('the price table\'s checks', () => {
  it('has a dated, sourced check for every touched price, with no bare "re-check"', () => {
    expect(Object.keys(CHECKED).sort()).toEqual([...TOUCHED].sort());
    for (const [key, check] of Object.entries(CHECKED)) {
      expect({ key, on: check!.on }).toEqual({ key, on: '2026-12-01' });
      expect(check!.source).toMatch(/^https:\/\/aws\.amazon\.com\/[a-z0-9/-]+\/pricing\//);
      expect(['confirmed', 'corroborated', 'not found']).toContain(check!.status);
      expect(check!.note).not.toMatch(/re-check/i);
      // What does not rest on a source that shows the figure says what was searched, or what it agrees with.
      if (check!.status !== 'confirmed') expect({ key, note: check!.note }).toEqual({ key, note: expect.stringMatching(/searched|as for|as above|as for the web ACL|the same/) });
      // A figure checked is a figure of the table.
      expect(PRICES['us-east-1']![key as keyof RegionPrices]).toEqual(expect.any(Number));
    }
  });

  it('names the figure it checked: the us-east-1 value appears in the note', () => {
    const figures: Partial<Record<keyof RegionPrices, string>> = {
      lambdaArmProvisionedGbSecond: '0.0000033334', lambdaArmProvisionedDurationGbSecond: '0.0000077778', cognitoPlusMau: '0.020',
      cognitoLiteMau: '0.0055', cognitoMau: '0.015', cloudWatchMetricMonth: '0.30', dynamoWcuHour: '0.00065', dynamoRcuHour: '0.00013',
      natGatewayHour: '0.045', auroraAcuHour: '0.12', apiGatewayRestPerMillion: '3.50', secretMonth: '0.40', healthCheckMonth: '0.50', logsIngestGb: '0.50',
    };
    for (const [key, text] of Object.entries(figures)) {
      expect(CHECKED[key as keyof RegionPrices]!.note).toContain(`$${text}`);
      expect(PRICES['us-east-1']![key as keyof RegionPrices]).toBeCloseTo(Number(text), 10);
    }
  });
});
