// Test fixture: the bundled PH_Rule_SIGMA_27 written as FortiSIEM XML.

/** PH_Rule_SIGMA_27 written as FortiSIEM XML, field for field as the bundled YAML has it. */
export const SMBEXEC_XML = `<Rules>
<Rule group="PH_SYS_RULE_THREAT_HUNTING" id="PH_Rule_SIGMA_27" phIncidentCategory="Server" function="Security" subFunction="Lateral Movement" technique="T1021.002,T1569.002">
  <Name>Windows: smbexec.py Service Installation</Name>
  <active>true</active>
  <Description>Finds the Windows service that Impacket's smbexec.py installs on a target to run commands remotely: a service named BTOBTO whose image path ends in execute.bat. Adapted from the Sigma rule win_system_hack_smbexec.</Description>
  <DetectionTechnology>Correlation</DetectionTechnology>
  <DataSource>Windows System Log via OMI or FortiSIEM Agent</DataSource>
  <Remediation>Treat the host as compromised by someone holding administrative credentials: find where the SMB session came from, which account it used, and what the service ran; remove the service, reset the credentials involved, and rebuild the host from a known good image if needed.</Remediation>
  <SigmaFileName>https://github.com/SigmaHQ/sigma/blob/master/rules/windows/builtin/system/service_control_manager/win_system_hack_smbexec.yml</SigmaFileName>
  <IncidentDef eventType="PH_RULE_smbexec_py_Service_Installation" severity="9">
    <ArgList>hostName = Filter.hostName,serviceFileName = Filter.serviceFileName,serviceName = Filter.serviceName</ArgList>
  </IncidentDef>
  <PatternClause window="300">
    <SubPattern displayName="Filter" name="Filter">
      <SingleEvtConstr>eventType="Win-System-Service-Control-Manager-7045" AND serviceName="BTOBTO" AND serviceFileName REGEXP "\\\\execute\\.bat$"</SingleEvtConstr>
      <GroupByAttr>hostName,serviceFileName,serviceName</GroupByAttr>
      <GroupEvtConstr>COUNT(*) &gt;= 1</GroupEvtConstr>
    </SubPattern>
  </PatternClause>
  <TriggerEventDisplay><AttrList>phRecvTime,hostName,serviceFileName,serviceName,rawEventMsg</AttrList></TriggerEventDisplay>
</Rule>
</Rules>
`;
