<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BoardModel</name>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="126"/>
        <source>Incident / department</source>
        <translation>事件 / 部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="127"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="128"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="129"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="130"/>
        <location filename="../../commandcenter/ui/board.py" line="391"/>
        <source>Lead</source>
        <translation>牵头</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="328"/>
        <source>Waiting {t}</source>
        <translation>待派 {t}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/board.py" line="332"/>
        <source>%n task(s)</source>
        <translation>
            <numerusform>%n 件工单</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="381"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="386"/>
        <source>{status}, escalated {n}x</source>
        <translation>{status},已升级 {n} 次</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="401"/>
        <source>Overdue {t}</source>
        <translation>超时 {t}</translation>
    </message>
</context>
<context>
    <name>ConnectionIndicator</name>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="146"/>
        <source>{n} pending</source>
        <translation>待同步 {n}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="148"/>
        <source>Never synced</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="154"/>
        <source>Last sync {time}</source>
        <translation>上次同步 {time}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="155"/>
        <source>Operations waiting to be sent to the platform: {n}</source>
        <translation>等待发送到平台的操作:{n}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="157"/>
        <source>Last error: {error}</source>
        <translation>最近错误:{error}</translation>
    </message>
</context>
<context>
    <name>IncidentDetail</name>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="181"/>
        <source>Select an incident on the board or the map.</source>
        <translation>请在看板或地图上选择一个事件。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="198"/>
        <source>Severity</source>
        <translation>事件等级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="199"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="200"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="201"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="245"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="202"/>
        <source>Reported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="203"/>
        <source>Response</source>
        <translation>响应级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="204"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="212"/>
        <source>No response level</source>
        <translation>未启动响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="215"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="521"/>
        <source>Set response level</source>
        <translation>设定响应级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="223"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="237"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="535"/>
        <source>Dispatch</source>
        <translation>派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="227"/>
        <source>Choose a department…</source>
        <translation>选择部门…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="235"/>
        <source>Lead unit</source>
        <translation>牵头单位</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="244"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="252"/>
        <source>Tasks</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="256"/>
        <source>No task dispatched yet.</source>
        <translation>尚未派单。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="395"/>
        <source>{status} (reopened {n}x)</source>
        <translation>{status}(已重启 {n} 次)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="402"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="445"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="411"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="483"/>
        <source>{action}: {reason}</source>
        <translation>{action}:{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="499"/>
        <source>The incident no longer exists.</source>
        <translation>该事件已不存在。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="505"/>
        <source>The task no longer exists.</source>
        <translation>该工单已不存在。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="21"/>
        <source>Reported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="22"/>
        <source>Verifying</source>
        <translation>核实中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="23"/>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="24"/>
        <source>Responding</source>
        <translation>处置中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="25"/>
        <location filename="../../commandcenter/ui/labels.py" line="35"/>
        <source>Contained</source>
        <translation>已控制</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="26"/>
        <location filename="../../commandcenter/ui/labels.py" line="36"/>
        <source>Recovery</source>
        <translation>恢复中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="27"/>
        <location filename="../../commandcenter/ui/labels.py" line="49"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="28"/>
        <source>Cancelled</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="32"/>
        <location filename="../../commandcenter/ui/labels.py" line="59"/>
        <source>Verify</source>
        <translation>核实</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="33"/>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="34"/>
        <source>Start response</source>
        <translation>启动处置</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="37"/>
        <source>Close incident</source>
        <translation>关闭事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="38"/>
        <source>Cancel incident</source>
        <translation>撤销事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="39"/>
        <source>Reopen</source>
        <translation>重启</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="43"/>
        <source>Dispatched</source>
        <translation>已派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="44"/>
        <source>Returned</source>
        <translation>已退单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="45"/>
        <source>Accepted</source>
        <translation>已签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="46"/>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="47"/>
        <source>Feedback given</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="48"/>
        <source>Verified</source>
        <translation>已核查</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="53"/>
        <source>Accept</source>
        <translation>签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="54"/>
        <source>Return</source>
        <translation>退单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="55"/>
        <source>Re-dispatch</source>
        <translation>重派</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="56"/>
        <source>Start</source>
        <translation>开始处置</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="57"/>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="58"/>
        <source>Rework</source>
        <translation>退回重办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="60"/>
        <source>Close</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="61"/>
        <source>Remind</source>
        <translation>催办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="62"/>
        <source>Escalate</source>
        <translation>升级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="66"/>
        <source>On time</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="67"/>
        <source>Due soon</source>
        <translation>即将到期</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="68"/>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="69"/>
        <source>Not accepted in time</source>
        <translation>超时未签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="70"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="74"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="75"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="76"/>
        <source>Syncing</source>
        <translation>同步中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="80"/>
        <source>City</source>
        <translation>市</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="81"/>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="82"/>
        <source>Street/Town</source>
        <translation>街镇</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="83"/>
        <source>Community</source>
        <translation>村居</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="87"/>
        <source>I Catastrophic</source>
        <translation>I 特别重大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="88"/>
        <source>II Major</source>
        <translation>II 重大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="89"/>
        <source>III Serious</source>
        <translation>III 较大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="90"/>
        <source>IV Moderate</source>
        <translation>IV 一般</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="94"/>
        <source>Level 1 response</source>
        <translation>一级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="95"/>
        <source>Level 2 response</source>
        <translation>二级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="96"/>
        <source>Level 3 response</source>
        <translation>三级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="97"/>
        <source>Level 4 response</source>
        <translation>四级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="101"/>
        <source>Not in our area</source>
        <translation>属地不符</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="102"/>
        <source>Ownership unclear</source>
        <translation>权属不清</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="103"/>
        <source>Overlapping duties</source>
        <translation>职能交叉</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="107"/>
        <source>Awaiting dispatch</source>
        <translation>待派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="108"/>
        <source>stale</source>
        <translation>数据中断</translation>
    </message>
</context>
<context>
    <name>LinkageBoard</name>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="446"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="452"/>
        <source>Overdue only</source>
        <translation>只看超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="478"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="624"/>
        <source>{incidents} incidents, {tasks} open tasks, {waiting} awaiting dispatch</source>
        <translation>事件 {incidents} 起,在办工单 {tasks} 件,待派单 {waiting} 起</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="48"/>
        <source>Command Center</source>
        <translation>城市运行应急指挥中心</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="58"/>
        <source>Map</source>
        <translation>一张图</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="59"/>
        <source>City vital signs</source>
        <translation>城市体征</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="60"/>
        <source>Linkage board</source>
        <translation>联动看板</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="61"/>
        <source>Incident</source>
        <translation>事件详情</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="93"/>
        <source>LIVE</source>
        <translation>实战</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="94"/>
        <source>DEMO: simulated city</source>
        <translation>演示:模拟城市</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="95"/>
        <source>EXERCISE EXERCISE EXERCISE</source>
        <translation>演练 演练 演练</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="276"/>
        <source>District boundaries</source>
        <translation>区县边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="277"/>
        <source>Street boundaries</source>
        <translation>街镇边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="278"/>
        <source>Community boundaries</source>
        <translation>村居边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="279"/>
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="280"/>
        <source>Severity</source>
        <translation>事件等级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="281"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="282"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="283"/>
        <source>Area</source>
        <translation>属地</translation>
    </message>
</context>
<context>
    <name>_TaskRow</name>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="80"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="86"/>
        <source>Lead</source>
        <translation>牵头</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="88"/>
        <source>Returned: {reason}</source>
        <translation>已退单:{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="108"/>
        <source>Reason for return…</source>
        <translation>退单理由…</translation>
    </message>
</context>
</TS>
