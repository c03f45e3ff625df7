<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlarmPanel</name>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="66"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="66"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="66"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="66"/>
        <source>Area</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="67"/>
        <source>Raised</source>
        <translation>已告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="67"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="69"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="72"/>
        <source>Dismiss…</source>
        <translation>排除…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="75"/>
        <source>Convert to incident</source>
        <translation>转为事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="225"/>
        <source>Red alarm: %1</source>
        <translation>红色告警：%1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="241"/>
        <source>Dismiss the alarm</source>
        <translation>排除告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="241"/>
        <source>Reason (required):</source>
        <translation>原因（必填）：</translation>
    </message>
</context>
<context>
    <name>BoardModel</name>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="119"/>
        <source>Incident / department</source>
        <translation>事件 / 部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="120"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="121"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="122"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="123"/>
        <location filename="../../commandcenter/ui/board.py" line="384"/>
        <source>Lead</source>
        <translation>牵头</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="321"/>
        <source>Waiting {t}</source>
        <translation>待派 {t}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/board.py" line="325"/>
        <source>%n task(s)</source>
        <translation>
            <numerusform>%n 件工单</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="374"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="379"/>
        <source>{status}, escalated {n}x</source>
        <translation>{status},已升级 {n} 次</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="394"/>
        <source>Overdue {t}</source>
        <translation>超时 {t}</translation>
    </message>
</context>
<context>
    <name>ConnectionIndicator</name>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="130"/>
        <source>{n} pending</source>
        <translation>待同步 {n}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="132"/>
        <source>Never synced</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="138"/>
        <source>Last sync {time}</source>
        <translation>上次同步 {time}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="139"/>
        <source>Operations waiting to be sent to the platform: {n}</source>
        <translation>等待发送到平台的操作:{n}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="141"/>
        <source>Last error: {error}</source>
        <translation>最近错误:{error}</translation>
    </message>
</context>
<context>
    <name>DetailChart</name>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="89"/>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="94"/>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="97"/>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="102"/>
        <source>1 hour</source>
        <translation>1小时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="102"/>
        <source>6 hours</source>
        <translation>6小时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="102"/>
        <source>24 hours</source>
        <translation>24小时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="103"/>
        <source>7 days</source>
        <translation>7天</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="103"/>
        <source>30 days</source>
        <translation>30天</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="337"/>
        <source>Save the chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/vitals_chart.py" line="345"/>
        <source>Save the data</source>
        <translation>保存数据</translation>
    </message>
</context>
<context>
    <name>IncidentDetail</name>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="175"/>
        <source>Select an incident on the board or the map.</source>
        <translation>请在看板或地图上选择一个事件。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="192"/>
        <source>Severity</source>
        <translation>事件等级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="193"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="194"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="195"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="239"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="196"/>
        <source>Reported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="197"/>
        <source>Response</source>
        <translation>响应级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="198"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="206"/>
        <source>No response level</source>
        <translation>未启动响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="209"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="537"/>
        <source>Set response level</source>
        <translation>设定响应级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="217"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="231"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="551"/>
        <source>Dispatch</source>
        <translation>派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="221"/>
        <source>Choose a department…</source>
        <translation>选择部门…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="229"/>
        <source>Lead unit</source>
        <translation>牵头单位</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="238"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="246"/>
        <source>Tasks</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="250"/>
        <source>No task dispatched yet.</source>
        <translation>尚未派单。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="253"/>
        <source>Nearest available units</source>
        <translation>最近的待命力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="343"/>
        <source>No available unit with a known position.</source>
        <translation>没有位置已知的待命力量。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="411"/>
        <source>{status} (reopened {n}x)</source>
        <translation>{status}(已重启 {n} 次)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="418"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="461"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="427"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="499"/>
        <source>{action}: {reason}</source>
        <translation>{action}:{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="515"/>
        <source>The incident no longer exists.</source>
        <translation>该事件已不存在。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="521"/>
        <source>The task no longer exists.</source>
        <translation>该工单已不存在。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="22"/>
        <source>Reported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="23"/>
        <source>Verifying</source>
        <translation>核实中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="24"/>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="25"/>
        <source>Responding</source>
        <translation>处置中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="26"/>
        <location filename="../../commandcenter/ui/labels.py" line="36"/>
        <source>Contained</source>
        <translation>已控制</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="27"/>
        <location filename="../../commandcenter/ui/labels.py" line="37"/>
        <source>Recovery</source>
        <translation>恢复中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="28"/>
        <location filename="../../commandcenter/ui/labels.py" line="50"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="29"/>
        <source>Cancelled</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="33"/>
        <location filename="../../commandcenter/ui/labels.py" line="60"/>
        <source>Verify</source>
        <translation>核实</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="34"/>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="35"/>
        <source>Start response</source>
        <translation>启动处置</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="38"/>
        <source>Close incident</source>
        <translation>关闭事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="39"/>
        <source>Cancel incident</source>
        <translation>撤销事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="40"/>
        <source>Reopen</source>
        <translation>重启</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="44"/>
        <source>Dispatched</source>
        <translation>已派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="45"/>
        <source>Returned</source>
        <translation>已退单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="46"/>
        <source>Accepted</source>
        <translation>已签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="47"/>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="48"/>
        <source>Feedback given</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="49"/>
        <source>Verified</source>
        <translation>已核查</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="54"/>
        <source>Accept</source>
        <translation>签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="55"/>
        <source>Return</source>
        <translation>退单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="56"/>
        <source>Re-dispatch</source>
        <translation>重派</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="57"/>
        <source>Start</source>
        <translation>开始处置</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="58"/>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="59"/>
        <source>Rework</source>
        <translation>退回重办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="61"/>
        <source>Close</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="62"/>
        <source>Remind</source>
        <translation>催办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="63"/>
        <source>Escalate</source>
        <translation>升级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="67"/>
        <source>On time</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="68"/>
        <source>Due soon</source>
        <translation>即将到期</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="69"/>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="70"/>
        <source>Not accepted in time</source>
        <translation>超时未签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="71"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="75"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="76"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="77"/>
        <source>Syncing</source>
        <translation>同步中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="81"/>
        <source>City</source>
        <translation>市</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="82"/>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="83"/>
        <source>Street/Town</source>
        <translation>街镇</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="84"/>
        <source>Community</source>
        <translation>村居</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="88"/>
        <source>I Catastrophic</source>
        <translation>I 特别重大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="89"/>
        <source>II Major</source>
        <translation>II 重大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="90"/>
        <source>III Serious</source>
        <translation>III 较大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="91"/>
        <source>IV Moderate</source>
        <translation>IV 一般</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="95"/>
        <source>Level 1 response</source>
        <translation>一级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="96"/>
        <source>Level 2 response</source>
        <translation>二级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="97"/>
        <source>Level 3 response</source>
        <translation>三级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="98"/>
        <source>Level 4 response</source>
        <translation>四级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="102"/>
        <source>Not in our area</source>
        <translation>属地不符</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="103"/>
        <source>Ownership unclear</source>
        <translation>权属不清</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="104"/>
        <source>Overlapping duties</source>
        <translation>职能交叉</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="108"/>
        <source>Available</source>
        <translation>待命</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="109"/>
        <source>Assigned</source>
        <translation>已指派</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="110"/>
        <source>En route</source>
        <translation>出动中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="111"/>
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="112"/>
        <source>Returning</source>
        <translation>返回中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="113"/>
        <source>Out of service</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="117"/>
        <source>Police car</source>
        <translation>警车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="118"/>
        <source>Fire engine</source>
        <translation>消防车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="119"/>
        <source>Ambulance</source>
        <translation>救护车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="120"/>
        <source>Patrol</source>
        <translation>巡逻队</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="121"/>
        <source>Pump truck</source>
        <translation>排涝车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="122"/>
        <source>Power repair van</source>
        <translation>电力抢修车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="126"/>
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="127"/>
        <source>Shelter</source>
        <translation>应急避难场所</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="128"/>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="132"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="133"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="134"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="135"/>
        <source>Area</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="136"/>
        <source>Updated</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="137"/>
        <source>Heading</source>
        <translation>航向</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="138"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="139"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="140"/>
        <source>Capacity</source>
        <translation>容量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="141"/>
        <source>Stream</source>
        <translation>视频流</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="142"/>
        <location filename="../../commandcenter/ui/labels.py" line="169"/>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="143"/>
        <source>Alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="153"/>
        <source>Raised</source>
        <translation>已告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="154"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="155"/>
        <source>Converted to incident</source>
        <translation>已转事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="156"/>
        <source>Dismissed</source>
        <translation>已排除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="157"/>
        <source>Cleared</source>
        <translation>已解除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="161"/>
        <source>Red</source>
        <translation>红色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="162"/>
        <source>Orange</source>
        <translation>橙色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="163"/>
        <source>Yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="164"/>
        <source>Blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="168"/>
        <source>Awaiting dispatch</source>
        <translation>待派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="170"/>
        <source>stale</source>
        <translation>数据中断</translation>
    </message>
</context>
<context>
    <name>LinkageBoard</name>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="439"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="445"/>
        <source>Overdue only</source>
        <translation>只看超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="471"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="610"/>
        <source>{incidents} incidents, {tasks} open tasks, {waiting} awaiting dispatch</source>
        <translation>事件 {incidents} 起,在办工单 {tasks} 件,待派单 {waiting} 起</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="68"/>
        <source>Command Center</source>
        <translation>城市运行应急指挥中心</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="78"/>
        <source>Map</source>
        <translation>一张图</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="79"/>
        <source>City vital signs</source>
        <translation>城市体征</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="80"/>
        <source>Linkage board</source>
        <translation>联动看板</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="81"/>
        <source>Incident</source>
        <translation>事件详情</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="88"/>
        <source>Alarms</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="135"/>
        <source>LIVE</source>
        <translation>实战</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="136"/>
        <source>DEMO: simulated city</source>
        <translation>演示:模拟城市</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="137"/>
        <source>EXERCISE EXERCISE EXERCISE</source>
        <translation>演练 演练 演练</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="203"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="223"/>
        <source>Selection</source>
        <translation>选区</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="235"/>
        <source>Report an incident here…</source>
        <translation>在此处上报事件…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="253"/>
        <source>Area: %1</source>
        <translation>区域：%1</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="409"/>
        <source>Online map</source>
        <translation>在线地图</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="539"/>
        <source>District boundaries</source>
        <translation>区县边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="540"/>
        <source>Street boundaries</source>
        <translation>街镇边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="541"/>
        <source>Community boundaries</source>
        <translation>村居边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="542"/>
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="543"/>
        <source>Severity</source>
        <translation>事件等级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="544"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="545"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="546"/>
        <source>Area</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="548"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="549"/>
        <source>Units</source>
        <translation>救援力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="550"/>
        <source>Sensors</source>
        <translation>感知设备</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="551"/>
        <source>Cameras</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="552"/>
        <source>Key sites</source>
        <translation>重点场所</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="553"/>
        <source>Crowd density</source>
        <translation>人群密度</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="554"/>
        <source>Floor plans</source>
        <translation>室内平面图</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="555"/>
        <source>Box</source>
        <translation>框选</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="556"/>
        <source>Lasso</source>
        <translation>圈选</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="557"/>
        <source>Measure</source>
        <translation>测距</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="558"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="560"/>
        <source>Unit: %1</source>
        <translation>力量·%1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="562"/>
        <source>{n} features</source>
        <translation>{n} 个要素</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="563"/>
        <source>1 feature</source>
        <translation>1 个要素</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="79"/>
        <source>Report an incident here</source>
        <translation>在此处上报事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="95"/>
        <source>Outside the city: there is no org unit here, so no incident can be reported.</source>
        <translation>此处在城市范围之外：没有属地单位，无法上报事件。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="105"/>
        <source>What happened, where (required)</source>
        <translation>发生了什么、在哪里（必填）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="120"/>
        <source>Optional</source>
        <translation>选填</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="132"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="173"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="204"/>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="145"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="172"/>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="146"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="171"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="147"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="167"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="148"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="168"/>
        <source>Event type</source>
        <translation>事件类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="149"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="169"/>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="150"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="170"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="218"/>
        <source>{field}: {reason}</source>
        <translation>{field}：{reason}</translation>
    </message>
</context>
<context>
    <name>SelectionPanel</name>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="41"/>
        <source>Rain gauge</source>
        <translation>雨量站</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="42"/>
        <source>Weather station</source>
        <translation>气象站</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="43"/>
        <source>Visibility meter</source>
        <translation>能见度仪</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="44"/>
        <source>Water level gauge</source>
        <translation>水位站</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="45"/>
        <source>Waterlogging sensor</source>
        <translation>积水监测点</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="46"/>
        <source>Water pressure sensor</source>
        <translation>管网压力监测点</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="47"/>
        <source>Traffic detector</source>
        <translation>交通检测器</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="48"/>
        <source>Substation monitor</source>
        <translation>变电站监测</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="49"/>
        <source>Gas pressure sensor</source>
        <translation>燃气压力监测点</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="50"/>
        <source>Air quality station</source>
        <translation>空气质量监测站</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="51"/>
        <source>Crowd density sensor</source>
        <translation>人群密度监测</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="52"/>
        <source>Crowd counter</source>
        <translation>客流计数器</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="113"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="113"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="153"/>
        <source>Cannot select: {reason}</source>
        <translation>无法选择：{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="179"/>
        <source>Draw a rectangle or a polygon on the map to select.</source>
        <translation>在地图上框选或圈选。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="278"/>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 项</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="291"/>
        <source>Incidents ({n})</source>
        <translation>事件（{n}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="293"/>
        <source>Units ({n})</source>
        <translation>救援力量（{n}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="294"/>
        <source>Sensors ({n})</source>
        <translation>感知设备（{n}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="299"/>
        <source>Nothing in the selection</source>
        <translation>选区内没有对象</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="301"/>
        <source>1 incident</source>
        <translation>1 起事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="301"/>
        <source>{n} incidents</source>
        <translation>{n} 起事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="302"/>
        <source>1 unit</source>
        <translation>1 支力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="302"/>
        <source>{n} units</source>
        <translation>{n} 支力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="303"/>
        <source>1 sensor</source>
        <translation>1 个设备</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="303"/>
        <source>{n} sensors</source>
        <translation>{n} 个设备</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="305"/>
        <source>{incidents}, {units}, {sensors} in the selection</source>
        <translation>选区内：{incidents}、{units}、{sensors}</translation>
    </message>
</context>
<context>
    <name>VideoPanel</name>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="45"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="46"/>
        <source>Stop the video and close the panel</source>
        <translation>停止播放并关闭面板</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="91"/>
        <source>Connecting to {source}…</source>
        <translation>正在连接 {source}…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="100"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="113"/>
        <source>Cannot play {source}: only http, https and rtsp streams are allowed</source>
        <translation>无法播放 {source}：只允许 http、https 和 rtsp 视频流</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="119"/>
        <source>Cannot play {source}: file not found</source>
        <translation>无法播放 {source}：文件不存在</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="127"/>
        <source>Cannot play {source}: {reason}</source>
        <translation>无法播放 {source}：{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="133"/>
        <source>Cannot play {source}: the data is not a playable video</source>
        <translation>无法播放 {source}：数据不是可播放的视频</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="136"/>
        <source>Playing {source}</source>
        <translation>正在播放 {source}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/video_panel.py" line="138"/>
        <source>Waiting for data from {source}…</source>
        <translation>正在等待 {source} 的数据…</translation>
    </message>
</context>
<context>
    <name>_TaskRow</name>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="73"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="79"/>
        <source>Lead</source>
        <translation>牵头</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="81"/>
        <source>Returned: {reason}</source>
        <translation>已退单:{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="101"/>
        <source>Reason for return…</source>
        <translation>退单理由…</translation>
    </message>
</context>
</TS>
