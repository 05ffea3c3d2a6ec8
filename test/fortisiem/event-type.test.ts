// eventType derivation per family (fortisiem.md §3), variant spellings, data-dependent suffixes,
// and the reverse direction the rule index uses.
import { describe, expect, it } from 'vitest';
import { AttributeResolver } from '../../src/engine/fortisiem-attributes.js';
import { parseAttributeTable } from '../../src/mappings/fortisiem-attributes.js';
import { eventTypeNames, eventTypeTable, parseEventTypeTable, recordsNamed } from '../../src/mappings/fortisiem-event-type.js';
import { LogsourceMapError } from '../../src/mappings/logsource-map.js';
import { plainDocument } from './plain-document.js';

const table = eventTypeTable();
const resolver = new AttributeResolver(parseAttributeTable([]), table);

/** The eventType attribute of a record: canonical name first, then variants. */
function eventType(channel: string, provider: string, eventId: number, data: Record<string, string> = {}): readonly unknown[] {
  return resolver.values(plainDocument({ Channel: channel, Provider_Name: provider, EventID: eventId, ...data }), 'eventType');
}

const SYSMON = ['Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon'] as const;

describe('eventType of a record', () => {
  it('Security: Win-Security-<id>; 4768/4769/4776 add -success / -failure by Status', () => {
    expect(eventType('Security', 'Microsoft-Windows-Security-Auditing', 5145)).toEqual(['Win-Security-5145']);
    expect(eventType('Security', 'Microsoft-Windows-Security-Auditing', 4768, { Status: '0x0' })).toEqual(['Win-Security-4768-success']);
    expect(eventType('Security', 'Microsoft-Windows-Security-Auditing', 4769, { Status: '0x12' })).toEqual(['Win-Security-4769-failure']);
    expect(eventType('Security', 'Microsoft-Windows-Security-Auditing', 4776, { Status: '0xC000006A' })).toEqual(['Win-Security-4776-failure']);
  });

  it('System: provider with spaces → "-"; 7036 adds -Start / -Stop by the new state', () => {
    expect(eventType('System', 'Service Control Manager', 7045)).toEqual(['Win-System-Service-Control-Manager-7045']);
    expect(eventType('System', 'Microsoft-Windows-Eventlog', 104)).toEqual(['Win-System-Microsoft-Windows-Eventlog-104']);
    expect(eventType('System', 'Service Control Manager', 7036, { param1: 'Spooler', param2: 'running' })).toEqual(['Win-System-Service-Control-Manager-7036-Start']);
    expect(eventType('System', 'Service Control Manager', 7036, { param1: 'Spooler', param2: 'stopped' })).toEqual(['Win-System-Service-Control-Manager-7036-Stop']);
  });

  it('Sysmon: Win-Sysmon-<id>-<name>, every named id, with the variant spellings Fortinet uses', () => {
    const names: Record<number, string> = {
      1: 'Create-Process', 2: 'FileCreation-Time-Changed', 5: 'Process-Terminated', 6: 'Driver-Loaded', 7: 'Image-Loaded', 8: 'CreateRemoteThread',
      9: 'RawAccessRead', 10: 'ProcessAccess', 11: 'FileCreate', 15: 'FileCreateStreamHash', 23: 'File-Delete', 27: 'FileBlockExecutable',
    };
    for (const [id, name] of Object.entries(names)) expect(eventType(...SYSMON, Number(id))[0]).toBe(`Win-Sysmon-${id}-${name}`);
    expect(eventType(...SYSMON, 17)).toEqual(['Win-Sysmon-17-PipeCreated', 'Win-Sysmon-17-Pipe-Created']);
    expect(eventType(...SYSMON, 18)).toEqual(['Win-Sysmon-18-PipeConnected', 'Win-Sysmon-18-Pipe-Connected']);
    expect(eventType(...SYSMON, 22)).toEqual(['Win-Sysmon-22-DNSQuery', 'Win-Sysmon-22-DNS-Query']);
    expect(eventType(...SYSMON, 19)).toEqual(['Win-Sysmon-19-WMIEventFilterActivity', 'Win-Sysmon-19-WMI-Event-Filter-Activity']);
    expect(eventType(...SYSMON, 4)).toEqual(['Win-Sysmon-4']); // an id with no name
  });

  it('Sysmon 3 by address family, 12/13/14 by registry EventType', () => {
    expect(eventType(...SYSMON, 3, { SourceIsIpv6: 'false' })).toEqual(['Win-Sysmon-3-Network-Connection-IPv4']);
    expect(eventType(...SYSMON, 3, { SourceIsIpv6: 'true' })).toEqual(['Win-Sysmon-3-Network-Connection-IPv6']);
    expect(eventType(...SYSMON, 12, { EventType: 'DeleteValue' })).toEqual(['Win-Sysmon-12-Registry-DeleteValue']);
    expect(eventType(...SYSMON, 12, { EventType: 'CreateKey' })).toEqual(['Win-Sysmon-12-Registry-CreateKey']);
    expect(eventType(...SYSMON, 13, { EventType: 'SetValue' })).toEqual(['Win-Sysmon-13-Registry-SetValue']);
    expect(eventType(...SYSMON, 14, { EventType: 'RenameKey' })).toEqual(['Win-Sysmon-14-Registry-RenameKey']);
  });

  it('PowerShell, Application, named channels, and the fallback for every other channel', () => {
    expect(eventType('Microsoft-Windows-PowerShell/Operational', 'Microsoft-Windows-PowerShell', 4104)).toEqual(['Win-PowerShell-4104']);
    expect(eventType('Windows PowerShell', 'PowerShell', 400)).toEqual(['Win-PowerShell-400']);
    expect(eventType('Application', 'MSSQL SERVER', 18456)).toEqual(['Win-App-MSSQL-SERVER-18456']);
    expect(eventType('Microsoft-Windows-CodeIntegrity/Operational', 'Microsoft-Windows-CodeIntegrity', 3033)).toEqual(['Win-CodeIntegrity-Operational-3033']);
    expect(eventType('Microsoft-Windows-PrintService/Admin', 'Microsoft-Windows-PrintService', 216)).toEqual(['Win-PrintService-Setup-Succeeded']);
    expect(eventType('Microsoft-Windows-TaskScheduler/Operational', 'Microsoft-Windows-TaskScheduler', 141)).toEqual(['Win-TaskScheduler-141']);
    expect(eventType('Microsoft-Windows-WMI-Activity/Operational', 'Microsoft-Windows-WMI-Activity', 5858)).toEqual(['Win-WMI-Activity-5858']);
  });

  it('channels compare case-insensitively', () => {
    expect(eventTypeNames(table, 'SECURITY', 'x', '4624').names).toEqual(['Win-Security-4624']);
  });
});

describe('which records can carry a name (for the rule index)', () => {
  it('named families pin channel and event id; every spelling does', () => {
    expect(recordsNamed(table, 'Win-Sysmon-1-Create-Process')).toEqual({ channels: ['Microsoft-Windows-Sysmon/Operational'], eventIds: [1] });
    expect(recordsNamed(table, 'win-sysmon-17-pipe-created')).toEqual({ channels: ['Microsoft-Windows-Sysmon/Operational'], eventIds: [17] });
    expect(recordsNamed(table, 'Win-Sysmon-12-Registry-DeleteValue')).toEqual({ channels: ['Microsoft-Windows-Sysmon/Operational'], eventIds: [12] });
    expect(recordsNamed(table, 'Win-PrintService-Publish-Printer-Failed')?.eventIds).toEqual([322, 323, 326, 327, 328, 329, 331, 333]);
  });
  it('names any provider could produce pin only the event id', () => {
    expect(recordsNamed(table, 'Win-Security-5145')).toEqual({ channels: null, eventIds: [5145] });
    expect(recordsNamed(table, 'Win-System-Service-Control-Manager-7045')).toEqual({ channels: null, eventIds: [7045] });
    expect(recordsNamed(table, 'Win-Security-4768-success')).toEqual({ channels: ['Security'], eventIds: [4768] });
  });
  it('names no record can carry give nothing to pin', () => {
    expect(recordsNamed(table, 'PH_DEV_MON_CHANGE_INST_SW')).toBeNull();
  });
});

describe('the table file is checked', () => {
  const parse = (text: string) => () => parseEventTypeTable(text, 'x.yml');
  it('names the bad entry', () => {
    expect(parse('families: []\nfallback: Win-{Provider}')).toThrow(new LogsourceMapError('x.yml', 'fallback', 'must contain {EventID}'));
    expect(parse('families: [{name: a, channels: [A], eventType: "W-{EventID}-{Nope}"}]\nfallback: W-{EventID}')).toThrow(/unknown placeholder \{Nope\}/);
    expect(parse('families: [{name: a, channels: [A], eventType: "W-{EventID}", events: {x1: {}}}]\nfallback: W-{EventID}')).toThrow(/families\[0\]\.events\.x1: is not an event id/);
    expect(parse('families: [{name: a, channels: [A], eventType: "W-{EventID}"}, {name: b, channels: [a], eventType: "V-{EventID}"}]\nfallback: W-{EventID}')).toThrow(/in two families/);
  });
});
