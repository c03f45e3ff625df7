<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>BoardModel</name>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="119" />
      <source>Incident / department</source>
      <translation>事件 / 部门</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="120" />
      <source>Org unit</source>
      <translation>属地</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="121" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="122" />
      <source>Time left</source>
      <translation>剩余时间</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="123" />
      <location filename="../../commandcenter/ui/board.py" line="384" />
      <source>Lead</source>
      <translation>牵头</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="321" />
      <source>Waiting {t}</source>
      <translation>待派 {t}</translation>
    </message>
    <message numerus="yes">
      <location filename="../../commandcenter/ui/board.py" line="325" />
      <source>%n task(s)</source>
      <translation>
        <numerusform>%n 件工单</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="374" />
      <source>{name} ({level})</source>
      <translation>{name}({level})</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="379" />
      <source>{status}, escalated {n}x</source>
      <translation>{status},已升级 {n} 次</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="394" />
      <source>Overdue {t}</source>
      <translation>超时 {t}</translation>
    </message>
  </context>
  <context>
    <name>ConnectionIndicator</name>
    <message>
      <location filename="../../commandcenter/ui/status.py" line="130" />
      <source>{n} pending</source>
      <translation>待同步 {n}</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/status.py" line="132" />
      <source>Never synced</source>
      <translation>尚未同步</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/status.py" line="138" />
      <source>Last sync {time}</source>
      <translation>上次同步 {time}</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/status.py" line="139" />
      <source>Operations waiting to be sent to the platform: {n}</source>
      <translation>等待发送到平台的操作:{n}</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/status.py" line="141" />
      <source>Last error: {error}</source>
      <translation>最近错误:{error}</translation>
    </message>
  </context>
  <context>
    <name>IncidentDetail</name>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="174" />
      <source>Select an incident on the board or the map.</source>
      <translation>请在看板或地图上选择一个事件。</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="191" />
      <source>Severity</source>
      <translation>事件等级</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="192" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="193" />
      <source>Category</source>
      <translation>类别</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="194" />
      <location filename="../../commandcenter/ui/incident_detail.py" line="238" />
      <source>Org unit</source>
      <translation>属地</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="195" />
      <source>Reported</source>
      <translation>已上报</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="196" />
      <source>Response</source>
      <translation>响应级别</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="197" />
      <source>Description</source>
      <translation>描述</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="205" />
      <source>No response level</source>
      <translation>未启动响应</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="208" />
      <location filename="../../commandcenter/ui/incident_detail.py" line="507" />
      <source>Set response level</source>
      <translation>设定响应级别</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="216" />
      <location filename="../../commandcenter/ui/incident_detail.py" line="230" />
      <location filename="../../commandcenter/ui/incident_detail.py" line="521" />
      <source>Dispatch</source>
      <translation>派单</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="220" />
      <source>Choose a department…</source>
      <translation>选择部门…</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="228" />
      <source>Lead unit</source>
      <translation>牵头单位</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="237" />
      <source>Department</source>
      <translation>部门</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="245" />
      <source>Tasks</source>
      <translation>工单</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="249" />
      <source>No task dispatched yet.</source>
      <translation>尚未派单。</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="381" />
      <source>{status} (reopened {n}x)</source>
      <translation>{status}(已重启 {n} 次)</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="388" />
      <location filename="../../commandcenter/ui/incident_detail.py" line="431" />
      <source>{name} ({level})</source>
      <translation>{name}({level})</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="397" />
      <source>None</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="469" />
      <source>{action}: {reason}</source>
      <translation>{action}:{reason}</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="485" />
      <source>The incident no longer exists.</source>
      <translation>该事件已不存在。</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="491" />
      <source>The task no longer exists.</source>
      <translation>该工单已不存在。</translation>
    </message>
  </context>
  <context>
    <name>Labels</name>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="22" />
      <source>Reported</source>
      <translation>已上报</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="23" />
      <source>Verifying</source>
      <translation>核实中</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="24" />
      <source>Confirmed</source>
      <translation>已确认</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="25" />
      <source>Responding</source>
      <translation>处置中</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="26" />
      <location filename="../../commandcenter/ui/labels.py" line="36" />
      <source>Contained</source>
      <translation>已控制</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="27" />
      <location filename="../../commandcenter/ui/labels.py" line="37" />
      <source>Recovery</source>
      <translation>恢复中</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="28" />
      <location filename="../../commandcenter/ui/labels.py" line="50" />
      <source>Closed</source>
      <translation>已关闭</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="29" />
      <source>Cancelled</source>
      <translation>已撤销</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="33" />
      <location filename="../../commandcenter/ui/labels.py" line="60" />
      <source>Verify</source>
      <translation>核实</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="34" />
      <source>Confirm</source>
      <translation>确认</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="35" />
      <source>Start response</source>
      <translation>启动处置</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="38" />
      <source>Close incident</source>
      <translation>关闭事件</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="39" />
      <source>Cancel incident</source>
      <translation>撤销事件</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="40" />
      <source>Reopen</source>
      <translation>重启</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="44" />
      <source>Dispatched</source>
      <translation>已派单</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="45" />
      <source>Returned</source>
      <translation>已退单</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="46" />
      <source>Accepted</source>
      <translation>已签收</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="47" />
      <source>In progress</source>
      <translation>处置中</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="48" />
      <source>Feedback given</source>
      <translation>已反馈</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="49" />
      <source>Verified</source>
      <translation>已核查</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="54" />
      <source>Accept</source>
      <translation>签收</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="55" />
      <source>Return</source>
      <translation>退单</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="56" />
      <source>Re-dispatch</source>
      <translation>重派</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="57" />
      <source>Start</source>
      <translation>开始处置</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="58" />
      <source>Feedback</source>
      <translation>反馈</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="59" />
      <source>Rework</source>
      <translation>退回重办</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="61" />
      <source>Close</source>
      <translation>办结</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="62" />
      <source>Remind</source>
      <translation>催办</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="63" />
      <source>Escalate</source>
      <translation>升级</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="67" />
      <source>On time</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="68" />
      <source>Due soon</source>
      <translation>即将到期</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="69" />
      <source>Overdue</source>
      <translation>超时</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="70" />
      <source>Not accepted in time</source>
      <translation>超时未签收</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="71" />
      <source>Done</source>
      <translation>已完成</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="75" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="76" />
      <source>Offline</source>
      <translation>离线</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="77" />
      <source>Syncing</source>
      <translation>同步中</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="81" />
      <source>City</source>
      <translation>市</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="82" />
      <source>District</source>
      <translation>区县</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="83" />
      <source>Street/Town</source>
      <translation>街镇</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="84" />
      <source>Community</source>
      <translation>村居</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="88" />
      <source>I Catastrophic</source>
      <translation>I 特别重大</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="89" />
      <source>II Major</source>
      <translation>II 重大</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="90" />
      <source>III Serious</source>
      <translation>III 较大</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="91" />
      <source>IV Moderate</source>
      <translation>IV 一般</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="95" />
      <source>Level 1 response</source>
      <translation>一级响应</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="96" />
      <source>Level 2 response</source>
      <translation>二级响应</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="97" />
      <source>Level 3 response</source>
      <translation>三级响应</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="98" />
      <source>Level 4 response</source>
      <translation>四级响应</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="102" />
      <source>Not in our area</source>
      <translation>属地不符</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="103" />
      <source>Ownership unclear</source>
      <translation>权属不清</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="104" />
      <source>Overlapping duties</source>
      <translation>职能交叉</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="108" />
      <source>Awaiting dispatch</source>
      <translation>待派单</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/labels.py" line="109" />
      <source>stale</source>
      <translation>数据中断</translation>
    </message>
  </context>
  <context>
    <name>LinkageBoard</name>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="439" />
      <source>All departments</source>
      <translation>全部部门</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="445" />
      <source>Overdue only</source>
      <translation>只看超时</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="471" />
      <source>Department</source>
      <translation>部门</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/board.py" line="610" />
      <source>{incidents} incidents, {tasks} open tasks, {waiting} awaiting dispatch</source>
      <translation>事件 {incidents} 起,在办工单 {tasks} 件,待派单 {waiting} 起</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../commandcenter/ui/main_window.py" line="60" />
      <source>Command Center</source>
      <translation>城市运行应急指挥中心</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/main_window.py" line="76" />
      <source>Map</source>
      <translation>一张图</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/main_window.py" line="77" />
      <source>City vital signs</source>
      <translation>城市体征</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/main_window.py" line="78" />
      <source>Linkage board</source>
      <translation>联动看板</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/main_window.py" line="79" />
      <source>Incident</source>
      <translation>事件详情</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/main_window.py" line="112" />
      <source>LIVE</source>
      <translation>实战</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/main_window.py" line="113" />
      <source>DEMO: simulated city</source>
      <translation>演示:模拟城市</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/main_window.py" line="114" />
      <source>EXERCISE EXERCISE EXERCISE</source>
      <translation>演练 演练 演练</translation>
    </message>
  </context>
  <context>
    <name>MapView</name>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="316" />
      <source>District boundaries</source>
      <translation>区县边界</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="317" />
      <source>Street boundaries</source>
      <translation>街镇边界</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="318" />
      <source>Community boundaries</source>
      <translation>村居边界</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="319" />
      <source>Incidents</source>
      <translation>事件</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="320" />
      <source>Severity</source>
      <translation>事件等级</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="321" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="322" />
      <source>Type</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="323" />
      <source>Area</source>
      <translation>属地</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="325" />
      <source>Legend</source>
      <translation>图例</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/map_view.py" line="326" />
      <source>{n} features</source>
      <translation>{n} 个要素</translation>
    </message>
  </context>
  <context>
    <name>_TaskRow</name>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="73" />
      <source>{name} ({level})</source>
      <translation>{name}({level})</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="79" />
      <source>Lead</source>
      <translation>牵头</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="81" />
      <source>Returned: {reason}</source>
      <translation>已退单:{reason}</translation>
    </message>
    <message>
      <location filename="../../commandcenter/ui/incident_detail.py" line="101" />
      <source>Reason for return…</source>
      <translation>退单理由…</translation>
    </message>
  </context>
</TS>