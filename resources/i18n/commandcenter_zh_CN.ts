<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlarmPanel</name>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="67"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="67"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="67"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="67"/>
        <source>Area</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="68"/>
        <source>Raised</source>
        <translation>已告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="68"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="70"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="73"/>
        <source>Dismiss…</source>
        <translation>排除…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="76"/>
        <source>Convert to incident</source>
        <translation>转为事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="235"/>
        <source>Red alarm: %1</source>
        <translation>红色告警：%1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="253"/>
        <source>Dismiss the alarm</source>
        <translation>排除告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/alarms.py" line="253"/>
        <source>Reason (required):</source>
        <translation>原因（必填）：</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="42"/>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="43"/>
        <source>Task</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="44"/>
        <source>Unit</source>
        <translation>力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="45"/>
        <source>Alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="46"/>
        <source>Command log</source>
        <translation>指挥日志</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="47"/>
        <source>Notice</source>
        <translation>通知</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="48"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="51"/>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="52"/>
        <source>Response level set</source>
        <translation>设定响应级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="53"/>
        <source>Dispatched</source>
        <translation>派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="54"/>
        <source>Registered</source>
        <translation>登记</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="55"/>
        <source>Raised</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="56"/>
        <source>Acknowledged</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="57"/>
        <source>Dismissed</source>
        <translation>排除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="58"/>
        <source>Converted to incident</source>
        <translation>转为事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="59"/>
        <source>Written</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="60"/>
        <source>Sent</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="61"/>
        <source>Read</source>
        <translation>已读</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="62"/>
        <source>Submitted</source>
        <translation>报送</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="65"/>
        <source>the entry was changed after it was written</source>
        <translation>该条目写入后被修改</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="66"/>
        <source>entries before it were removed</source>
        <translation>其前的条目被删除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="67"/>
        <source>it does not follow the previous entry</source>
        <translation>与上一条目不衔接</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="68"/>
        <source>the newest entries were removed</source>
        <translation>最新的条目被删除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="69"/>
        <source>the log was rewritten</source>
        <translation>日志被重写</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="70"/>
        <source>the entry was added behind the store&apos;s back</source>
        <translation>该条目未经本机写入（被插入）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="73"/>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="74"/>
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="75"/>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="76"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="122"/>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="123"/>
        <source>Time (+08:00)</source>
        <translation>时间（+08:00）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="124"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="125"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="126"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="127"/>
        <source>Entity</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="128"/>
        <source>Entity id</source>
        <translation>对象编号</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="129"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="219"/>
        <source>Search user, action, id or details</source>
        <translation>搜索用户、操作、编号或详情</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="227"/>
        <source>Verify chain</source>
        <translation>校验哈希链</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="228"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="303"/>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="304"/>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="307"/>
        <source>All entities</source>
        <translation>全部对象</translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/audit_view.py" line="339"/>
        <source>Audit chain intact: %n entries checked.</source>
        <translation>
            <numerusform>审计链完整：已校验 %n 条。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="344"/>
        <source>Audit chain broken at entry %1 (%2): %3</source>
        <translation>审计链在第 %1 条处断开（%2）：%3</translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/audit_view.py" line="367"/>
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>已导出 %n 条到 %1。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="371"/>
        <source>Export audit log</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="372"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/audit_view.py" line="379"/>
        <source>Could not write {path}: {why}</source>
        <translation>无法写入 {path}：{why}</translation>
    </message>
</context>
<context>
    <name>BoardModel</name>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="178"/>
        <source>Incident / department</source>
        <translation>事件 / 部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="179"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="180"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="181"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="182"/>
        <location filename="../../commandcenter/ui/board.py" line="473"/>
        <source>Lead</source>
        <translation>牵头</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="407"/>
        <source>Waiting {t}</source>
        <translation>待派 {t}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/board.py" line="411"/>
        <source>%n task(s)</source>
        <translation>
            <numerusform>%n 件工单</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="450"/>
        <source>{state}
Sign for by {accept} · finish by {finish}</source>
        <translation>{state}
签收时限 {accept} · 办结时限 {finish}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="463"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="468"/>
        <source>{status}, escalated {n}x</source>
        <translation>{status},已升级 {n} 次</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="483"/>
        <source>Overdue {t}</source>
        <translation>超时 {t}</translation>
    </message>
</context>
<context>
    <name>CapDraftDialog</name>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="56"/>
        <source>CAP alert draft</source>
        <translation>CAP 预警草稿</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="86"/>
        <source>Save XML…</source>
        <translation>保存 XML…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="89"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="93"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="94"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="95"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="96"/>
        <source>Certainty</source>
        <translation>确定程度</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="97"/>
        <source>Headline</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="98"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="99"/>
        <source>Instruction</source>
        <translation>防御指引</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="100"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="153"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="161"/>
        <source>Save the CAP alert</source>
        <translation>保存 CAP 预警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/cap_dialog.py" line="168"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>CommandLogPanel</name>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="196"/>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="202"/>
        <source>Search the log…</source>
        <translation>搜索日志…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="207"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="207"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="207"/>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="207"/>
        <source>Entry</source>
        <translation>内容</translation>
    </message>
</context>
<context>
    <name>ConnectionIndicator</name>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="145"/>
        <source>{n} pending</source>
        <translation>待同步 {n}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="147"/>
        <source>Never synced</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="153"/>
        <source>Last sync {time}</source>
        <translation>上次同步 {time}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="154"/>
        <source>Operations waiting to be sent to the platform: {n}</source>
        <translation>等待发送到平台的操作:{n}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="156"/>
        <source>Last error: {error}</source>
        <translation>最近错误:{error}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="167"/>
        <source>Bundle out {time}</source>
        <translation>U盘包导出 {time}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/status.py" line="169"/>
        <source>Bundle in {time}</source>
        <translation>U盘包导入 {time}</translation>
    </message>
</context>
<context>
    <name>DepartmentMatrix</name>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="125"/>
        <source>Overdue</source>
        <translation>超时</translation>
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
    <name>DrillConsole</name>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="51"/>
        <source>Pending</source>
        <translation>待下达</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="52"/>
        <source>Released</source>
        <translation>已下达</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="53"/>
        <source>Acknowledged</source>
        <translation>已签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="54"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="55"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="56"/>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="59"/>
        <source>met</source>
        <translation>达成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="60"/>
        <source>partially met</source>
        <translation>部分达成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="61"/>
        <source>not met</source>
        <translation>未达成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="64"/>
        <source>Inject</source>
        <translation>注入</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="65"/>
        <source>Contingency</source>
        <translation>备用注入</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="66"/>
        <source>Expected action</source>
        <translation>预期行动</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="69"/>
        <source>Scheduled</source>
        <translation>待开始</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="70"/>
        <source>Running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="71"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="72"/>
        <source>Ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="73"/>
        <source>Evaluated</source>
        <translation>已评估</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="76"/>
        <source>P: performed without challenges</source>
        <translation>P：顺利完成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="77"/>
        <source>S: performed with some challenges</source>
        <translation>S：完成但存在一些问题</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="78"/>
        <source>M: performed with major challenges</source>
        <translation>M：完成但存在重大问题</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="79"/>
        <source>U: unable to be performed</source>
        <translation>U：未能完成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="212"/>
        <location filename="../../commandcenter/ui/drill_console.py" line="410"/>
        <source>Play</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="224"/>
        <source>Seek</source>
        <translation>跳转</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="226"/>
        <source>End exercise</source>
        <translation>结束演练</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="237"/>
        <source>Speed</source>
        <translation>倍速</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="253"/>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="253"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="253"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="253"/>
        <source>Response</source>
        <translation>响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="254"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="254"/>
        <source>To</source>
        <translation>接收方</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="254"/>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="254"/>
        <source>Message</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="263"/>
        <source>Release</source>
        <translation>下达</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="266"/>
        <location filename="../../commandcenter/ui/drill_console.py" line="510"/>
        <source>Hold</source>
        <translation>暂缓</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="269"/>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="277"/>
        <source>Met</source>
        <translation>达成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="277"/>
        <source>Partially met</source>
        <translation>部分达成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="277"/>
        <source>Not met</source>
        <translation>未达成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="286"/>
        <source>Note (for the selected inject, or the run)</source>
        <translation>备注（针对所选注入，或整场演练）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="287"/>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="296"/>
        <source>Objective</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="296"/>
        <source>Injects</source>
        <translation>注入</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="296"/>
        <source>Rating</source>
        <translation>评定</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="301"/>
        <source>Rate objective</source>
        <translation>评定目标</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="329"/>
        <source>MSEL</source>
        <translation>演练脚本</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="330"/>
        <source>Objectives</source>
        <translation>演练目标</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="372"/>
        <source>Cannot reach the drill platform: %1</source>
        <translation>无法连接演练平台：%1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="402"/>
        <source>run %1</source>
        <translation>场次 %1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="410"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="429"/>
        <source>held</source>
        <translation>暂缓</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="437"/>
        <source>Expected: %1</source>
        <translation>预期：%1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="462"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="510"/>
        <source>Let go</source>
        <translation>取消暂缓</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="537"/>
        <source>Seek to a time like T+01:30, got %1</source>
        <translation>请输入 T+01:30 这样的时间，而不是 %1</translation>
    </message>
</context>
<context>
    <name>ExerciseBanner</name>
    <message>
        <location filename="../../commandcenter/ui/drill_console.py" line="137"/>
        <source>run %1</source>
        <translation>场次 %1</translation>
    </message>
</context>
<context>
    <name>IncidentDetail</name>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="244"/>
        <source>Select an incident on the board or the map.</source>
        <translation>请在看板或地图上选择一个事件。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="261"/>
        <source>Severity</source>
        <translation>事件等级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="262"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="263"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="264"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="300"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="265"/>
        <source>Reported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="266"/>
        <source>Response</source>
        <translation>响应级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="267"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="278"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="292"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="757"/>
        <source>Dispatch</source>
        <translation>派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="282"/>
        <source>Choose a department…</source>
        <translation>选择部门…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="290"/>
        <source>Lead unit</source>
        <translation>牵头单位</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="299"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="307"/>
        <source>Tasks</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="313"/>
        <source>Instruction or reason (for supervise, remind, extension, feedback)…</source>
        <translation>指示或理由（用于督办、催办、延期、反馈）…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="316"/>
        <source>No task dispatched yet.</source>
        <translation>尚未派单。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="319"/>
        <source>Nearest available units</source>
        <translation>最近的待命力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="326"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="480"/>
        <source>Assign</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="337"/>
        <source>Draft CAP alert…</source>
        <translation>起草 CAP 预警…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="341"/>
        <source>Situation report…</source>
        <translation>态势报告…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="455"/>
        <source>No available unit with a known position.</source>
        <translation>没有位置已知的待命力量。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="477"/>
        <source>The unit no longer exists.</source>
        <translation>该力量已不存在。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="504"/>
        <source>Situation report</source>
        <translation>态势报告</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="505"/>
        <source>PDF (*.pdf);;HTML (*.html)</source>
        <translation>PDF (*.pdf);;HTML (*.html)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="510"/>
        <source>Situation report: {reason}</source>
        <translation>态势报告：{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="533"/>
        <source>Units: {units}</source>
        <translation>处置力量：{units}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="535"/>
        <source>Units: none assigned</source>
        <translation>处置力量：尚未派遣</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="612"/>
        <source>{status} (reopened {n}x)</source>
        <translation>{status}(已重启 {n} 次)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="619"/>
        <location filename="../../commandcenter/ui/incident_detail.py" line="665"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="629"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="704"/>
        <source>{action}: {reason}</source>
        <translation>{action}:{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="720"/>
        <source>The incident no longer exists.</source>
        <translation>该事件已不存在。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="726"/>
        <source>The task no longer exists.</source>
        <translation>该工单已不存在。</translation>
    </message>
</context>
<context>
    <name>KpiStrip</name>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="67"/>
        <source>n/a</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="69"/>
        <source>Open {n}</source>
        <translation>在办 {n}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="70"/>
        <source>Overdue {n}</source>
        <translation>超时 {n}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="72"/>
        <source>Response {r}</source>
        <translation>响应率 {r}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="73"/>
        <source>Resolution {r}</source>
        <translation>解决率 {r}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="74"/>
        <source>On time {r}</source>
        <translation>按时办结率 {r}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="75"/>
        <source>Satisfaction {r}</source>
        <translation>满意率 {r}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="77"/>
        <source>{a} of {b} tasks signed for by their accept deadline</source>
        <translation>{b} 件中 {a} 件按时签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="80"/>
        <source>{a} of {b} tasks verified or closed</source>
        <translation>{b} 件中 {a} 件已核查或办结</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="83"/>
        <source>{a} of {b} finished tasks finished by their deadline or extension</source>
        <translation>{b} 件办结中 {a} 件在期限（或延期）内办结</translation>
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
        <location filename="../../commandcenter/ui/labels.py" line="64"/>
        <source>Request extension</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="65"/>
        <source>Approve extension</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="66"/>
        <source>Supervise</source>
        <translation>督办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="67"/>
        <source>Follow up</source>
        <translation>回访</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="71"/>
        <source>On time</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="72"/>
        <source>Due soon</source>
        <translation>即将到期</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="73"/>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="74"/>
        <source>Not accepted in time</source>
        <translation>超时未签收</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="75"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="79"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="80"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="81"/>
        <source>Syncing</source>
        <translation>同步中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="85"/>
        <source>City</source>
        <translation>市</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="86"/>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="87"/>
        <source>Street/Town</source>
        <translation>街镇</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="88"/>
        <source>Community</source>
        <translation>村居</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="92"/>
        <source>I Catastrophic</source>
        <translation>I 特别重大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="93"/>
        <source>II Major</source>
        <translation>II 重大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="94"/>
        <source>III Serious</source>
        <translation>III 较大</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="95"/>
        <source>IV Moderate</source>
        <translation>IV 一般</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="99"/>
        <source>Level 1 response</source>
        <translation>一级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="100"/>
        <source>Level 2 response</source>
        <translation>二级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="101"/>
        <source>Level 3 response</source>
        <translation>三级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="102"/>
        <source>Level 4 response</source>
        <translation>四级响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="106"/>
        <source>Not in our area</source>
        <translation>属地不符</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="107"/>
        <source>Ownership unclear</source>
        <translation>权属不清</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="108"/>
        <source>Overlapping duties</source>
        <translation>职能交叉</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="112"/>
        <source>Available</source>
        <translation>待命</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="113"/>
        <source>Assigned</source>
        <translation>已指派</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="114"/>
        <source>En route</source>
        <translation>出动中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="115"/>
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="116"/>
        <source>Returning</source>
        <translation>返回中</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="117"/>
        <source>Out of service</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="121"/>
        <source>Police car</source>
        <translation>警车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="122"/>
        <source>Fire engine</source>
        <translation>消防车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="123"/>
        <source>Ambulance</source>
        <translation>救护车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="124"/>
        <source>Patrol</source>
        <translation>巡逻队</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="125"/>
        <source>Pump truck</source>
        <translation>排涝车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="126"/>
        <source>Power repair van</source>
        <translation>电力抢修车</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="130"/>
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="131"/>
        <source>Shelter</source>
        <translation>应急避难场所</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="132"/>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="136"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="137"/>
        <location filename="../../commandcenter/ui/labels.py" line="269"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="138"/>
        <location filename="../../commandcenter/ui/labels.py" line="264"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="139"/>
        <location filename="../../commandcenter/ui/labels.py" line="267"/>
        <source>Area</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="140"/>
        <source>Updated</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="141"/>
        <source>Heading</source>
        <translation>航向</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="142"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="143"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="144"/>
        <source>Capacity</source>
        <translation>容量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="145"/>
        <source>Stream</source>
        <translation>视频流</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="146"/>
        <location filename="../../commandcenter/ui/labels.py" line="173"/>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="147"/>
        <source>Alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="157"/>
        <source>Raised</source>
        <translation>已告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="158"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="159"/>
        <source>Converted to incident</source>
        <translation>已转事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="160"/>
        <source>Dismissed</source>
        <translation>已排除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="161"/>
        <source>Cleared</source>
        <translation>已解除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="165"/>
        <source>Red</source>
        <translation>红色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="166"/>
        <source>Orange</source>
        <translation>橙色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="167"/>
        <source>Yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="168"/>
        <source>Blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="172"/>
        <source>Awaiting dispatch</source>
        <translation>待派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="174"/>
        <source>stale</source>
        <translation>数据中断</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="176"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="177"/>
        <source>Partly kept</source>
        <translation>部分采纳</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="178"/>
        <source>Refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="225"/>
        <source>Commander</source>
        <translation>指挥长</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="226"/>
        <source>Dispatcher</source>
        <translation>调度员</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="227"/>
        <source>Department seat</source>
        <translation>部门席位</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="228"/>
        <source>Field command post</source>
        <translation>前方指挥部</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="229"/>
        <source>Observer</source>
        <translation>观察员</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="230"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="233"/>
        <source>Initial report</source>
        <translation>初报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="234"/>
        <source>Update report</source>
        <translation>续报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="235"/>
        <source>Final report</source>
        <translation>终报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="238"/>
        <source>Decision</source>
        <translation>决策</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="239"/>
        <location filename="../../commandcenter/ui/labels.py" line="266"/>
        <source>Response level</source>
        <translation>响应级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="240"/>
        <source>Dispatch</source>
        <translation>派单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="241"/>
        <location filename="../../commandcenter/ui/labels.py" line="247"/>
        <source>Escalation</source>
        <translation>升级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="242"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="243"/>
        <location filename="../../commandcenter/ui/labels.py" line="249"/>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="244"/>
        <location filename="../../commandcenter/ui/labels.py" line="268"/>
        <source>Note</source>
        <translation>记事</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="248"/>
        <source>Report overdue</source>
        <translation>催报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="250"/>
        <source>Reminder</source>
        <translation>催办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="251"/>
        <source>Exercise inject</source>
        <translation>演练注入</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="254"/>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="255"/>
        <source>Basically satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="256"/>
        <source>Unsatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="261"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="262"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="263"/>
        <source>Severity</source>
        <translation>事件等级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="265"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="270"/>
        <source>Level</source>
        <translation>层级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="271"/>
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/labels.py" line="272"/>
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
</context>
<context>
    <name>Layouts</name>
    <message>
        <location filename="../../commandcenter/ui/layouts.py" line="37"/>
        <source>Commander wall</source>
        <translation>指挥大屏</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/layouts.py" line="42"/>
        <source>Dispatcher desk</source>
        <translation>调度席</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/layouts.py" line="47"/>
        <source>Department seat</source>
        <translation>部门席位</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/layouts.py" line="52"/>
        <source>Field laptop</source>
        <translation>前方指挥笔记本</translation>
    </message>
</context>
<context>
    <name>LinkageBoard</name>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="543"/>
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="543"/>
        <source>Departments × status</source>
        <translation>部门 × 状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="543"/>
        <source>Org levels</source>
        <translation>层级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="548"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="556"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="564"/>
        <source>All severities</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="569"/>
        <source>All levels</source>
        <translation>全部层级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="572"/>
        <source>Overdue only</source>
        <translation>只看超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="574"/>
        <source>My tasks</source>
        <translation>我的工单</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="580"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="585"/>
        <source>Show more</source>
        <translation>显示更多</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="629"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="808"/>
        <source>last 24 h</source>
        <translation>近 24 小时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="878"/>
        <source>Natural disasters</source>
        <translation>自然灾害</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="879"/>
        <source>Accidents</source>
        <translation>事故灾难</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="880"/>
        <source>Public health</source>
        <translation>公共卫生事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="881"/>
        <source>Social safety</source>
        <translation>社会安全事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="907"/>
        <source>{incidents} incidents, {tasks} open tasks, {waiting} awaiting dispatch</source>
        <translation>事件 {incidents} 起,在办工单 {tasks} 件,待派单 {waiting} 起</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="912"/>
        <source> — {more} more not shown (most urgent first)</source>
        <translation>——另有 {more} 件未显示（按紧急程度排序）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="923"/>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board.py" line="927"/>
        <source>Showing: {what}</source>
        <translation>当前显示：{what}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="83"/>
        <source>Command Center</source>
        <translation>城市运行应急指挥中心</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="93"/>
        <source>Map</source>
        <translation>一张图</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="94"/>
        <source>City vital signs</source>
        <translation>城市体征</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="95"/>
        <source>Linkage board</source>
        <translation>联动看板</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="96"/>
        <source>Incident</source>
        <translation>事件详情</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="103"/>
        <source>Alarms</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="116"/>
        <location filename="../../commandcenter/ui/main_window.py" line="699"/>
        <source>Notices</source>
        <translation>通知</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="120"/>
        <source>Command log</source>
        <translation>指挥日志</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="121"/>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="122"/>
        <location filename="../../commandcenter/ui/main_window.py" line="133"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="219"/>
        <location filename="../../commandcenter/ui/replay.py" line="197"/>
        <source>Exercise control</source>
        <translation>导调台</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="232"/>
        <source>LIVE</source>
        <translation>实战</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="233"/>
        <source>DEMO: simulated city</source>
        <translation>演示:模拟城市</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="234"/>
        <source>EXERCISE EXERCISE EXERCISE</source>
        <translation>演练 演练 演练</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="321"/>
        <source>Sync ●</source>
        <translation>同步 ●</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="322"/>
        <source>see the Sync dock</source>
        <translation>详见同步面板</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="404"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="424"/>
        <source>Selection</source>
        <translation>选区</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="436"/>
        <source>Report an incident here…</source>
        <translation>在此处上报事件…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="455"/>
        <source>Area: %1</source>
        <translation>区域：%1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="482"/>
        <source>&amp;Seat</source>
        <translation>席位(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="505"/>
        <source>&amp;Layout</source>
        <translation>布局(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="551"/>
        <source>S&amp;ync</source>
        <translation>同步(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="553"/>
        <source>Sync dock</source>
        <translation>同步面板</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="555"/>
        <source>Work offline</source>
        <translation>离线工作</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="560"/>
        <source>Export bundle (USB)…</source>
        <translation>导出U盘包…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="562"/>
        <source>Import bundle (USB)…</source>
        <translation>导入U盘包…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="568"/>
        <source>Working offline: every command waits in the outbox until you go back online</source>
        <translation>离线工作：所有操作在发件箱等待，恢复联网后发送</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="569"/>
        <source>Back online: sending what waited</source>
        <translation>已恢复联网：正在发送等待的操作</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="598"/>
        <source>Writing the bundle…</source>
        <translation>正在写入U盘包…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/main_window.py" line="604"/>
        <source>Exported %n operation(s) to the bundle</source>
        <translation>
            <numerusform>已导出 %n 条操作到U盘包</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="614"/>
        <source>Importing the bundle…</source>
        <translation>正在导入U盘包…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/main_window.py" line="624"/>
        <source>Nothing new in the bundle: all %n operation(s) are here already</source>
        <translation>
            <numerusform>U盘包中没有新内容：%n 条操作本机均已有</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/main_window.py" line="626"/>
        <source>Imported %n new operation(s) from the bundle</source>
        <translation>
            <numerusform>已从U盘包导入 %n 条新操作</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../commandcenter/ui/main_window.py" line="627"/>
        <source>%n changed the picture</source>
        <translation>
            <numerusform>其中 %n 条改变了态势</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="635"/>
        <location filename="../../commandcenter/ui/main_window.py" line="642"/>
        <source>Export bundle</source>
        <translation>导出U盘包</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="636"/>
        <source>Bundles (*.ccb)</source>
        <translation>U盘包 (*.ccb)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="647"/>
        <location filename="../../commandcenter/ui/main_window.py" line="653"/>
        <source>Import bundle</source>
        <translation>导入U盘包</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="647"/>
        <source>Bundles (*.ccb);;All files (*)</source>
        <translation>U盘包 (*.ccb);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="653"/>
        <source>The bundle was refused; nothing changed.</source>
        <translation>U盘包被拒绝，未作任何更改。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="692"/>
        <source>Seat: {seat}</source>
        <translation>席位：{seat}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/main_window.py" line="699"/>
        <source>Notices ({n})</source>
        <translation>通知（{n}）</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="417"/>
        <source>Online map</source>
        <translation>在线地图</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="558"/>
        <source>District boundaries</source>
        <translation>区县边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="559"/>
        <source>Street boundaries</source>
        <translation>街镇边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="560"/>
        <source>Community boundaries</source>
        <translation>村居边界</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="561"/>
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="562"/>
        <source>Severity</source>
        <translation>事件等级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="563"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="564"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="565"/>
        <source>Area</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="567"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="568"/>
        <source>Units</source>
        <translation>救援力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="569"/>
        <source>Sensors</source>
        <translation>感知设备</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="570"/>
        <source>Cameras</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="571"/>
        <source>Key sites</source>
        <translation>重点场所</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="572"/>
        <source>Crowd density</source>
        <translation>人群密度</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="573"/>
        <source>Floor plans</source>
        <translation>室内平面图</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="574"/>
        <source>Box</source>
        <translation>框选</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="575"/>
        <source>Lasso</source>
        <translation>圈选</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="576"/>
        <source>Measure</source>
        <translation>测距</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="577"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="579"/>
        <source>Unit: %1</source>
        <translation>力量·%1</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="581"/>
        <source>{n} features</source>
        <translation>{n} 个要素</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/map_view.py" line="582"/>
        <source>1 feature</source>
        <translation>1 个要素</translation>
    </message>
</context>
<context>
    <name>NoticesPanel</name>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="92"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="92"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="92"/>
        <source>To</source>
        <translation>发往</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="92"/>
        <source>Notice</source>
        <translation>通知</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/notices.py" line="96"/>
        <source>Mark read</source>
        <translation>标为已读</translation>
    </message>
</context>
<context>
    <name>OrgDrillDown</name>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="166"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="166"/>
        <source>Level</source>
        <translation>层级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="166"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="166"/>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/board_views.py" line="219"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
</context>
<context>
    <name>ReplayBar</name>
    <message>
        <location filename="../../commandcenter/ui/replay.py" line="56"/>
        <source>A minute back</source>
        <translation>后退一分钟</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/replay.py" line="59"/>
        <source>A minute on</source>
        <translation>前进一分钟</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/replay.py" line="61"/>
        <location filename="../../commandcenter/ui/replay.py" line="111"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/replay.py" line="71"/>
        <location filename="../../commandcenter/ui/replay.py" line="204"/>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/replay.py" line="111"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="80"/>
        <source>Report an incident here</source>
        <translation>在此处上报事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="96"/>
        <source>Outside the city: there is no org unit here, so no incident can be reported.</source>
        <translation>此处在城市范围之外：没有属地单位，无法上报事件。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="106"/>
        <source>What happened, where (required)</source>
        <translation>发生了什么、在哪里（必填）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="121"/>
        <source>Optional</source>
        <translation>选填</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="133"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="174"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="205"/>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="146"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="173"/>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="147"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="172"/>
        <source>Org unit</source>
        <translation>属地</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="148"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="168"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="149"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="169"/>
        <source>Event type</source>
        <translation>事件类型</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="150"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="170"/>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="151"/>
        <location filename="../../commandcenter/ui/report_dialog.py" line="171"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/report_dialog.py" line="219"/>
        <source>{field}: {reason}</source>
        <translation>{field}：{reason}</translation>
    </message>
</context>
<context>
    <name>ReportsPanel</name>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="163"/>
        <source>Reports</source>
        <translation>报告（初报 / 续报 / 终报）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="178"/>
        <source>What happened, what is being done, what is needed</source>
        <translation>发生了什么、正在做什么、需要什么</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="180"/>
        <location filename="../../commandcenter/ui/joint_command.py" line="244"/>
        <source>File report</source>
        <translation>报送</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="221"/>
        <source>No report owed.</source>
        <translation>暂无应报报告。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="228"/>
        <source>{what} overdue by {t}</source>
        <translation>{what}已超时 {t}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="231"/>
        <source>{what} due in {t}</source>
        <translation>{what}剩余 {t}</translation>
    </message>
</context>
<context>
    <name>ResponsePanel</name>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="51"/>
        <source>Response level and plan</source>
        <translation>响应级别与预案</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="62"/>
        <source>End the response</source>
        <translation>结束响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="67"/>
        <source>Why (goes to the command log)</source>
        <translation>理由（记入指挥日志）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="68"/>
        <source>Decide</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="91"/>
        <source>Now: {level} under {plan}</source>
        <translation>当前：{level}（{plan}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="95"/>
        <source>Now: no response level</source>
        <translation>当前：未启动响应</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="136"/>
        <source>No new tasks: the plan&apos;s departments are already at work.</source>
        <translation>无新增任务：预案涉及的部门均已在办。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="143"/>
        <source>Dispatches {n}: {names}</source>
        <translation>将派发 {n} 项：{names}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="154"/>
        <source>Response level</source>
        <translation>响应级别</translation>
    </message>
</context>
<context>
    <name>SelectionPanel</name>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="42"/>
        <source>Rain gauge</source>
        <translation>雨量站</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="43"/>
        <source>Weather station</source>
        <translation>气象站</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="44"/>
        <source>Visibility meter</source>
        <translation>能见度仪</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="45"/>
        <source>Water level gauge</source>
        <translation>水位站</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="46"/>
        <source>Waterlogging sensor</source>
        <translation>积水监测点</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="47"/>
        <source>Water pressure sensor</source>
        <translation>管网压力监测点</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="48"/>
        <source>Traffic detector</source>
        <translation>交通检测器</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="49"/>
        <source>Substation monitor</source>
        <translation>变电站监测</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="50"/>
        <source>Gas pressure sensor</source>
        <translation>燃气压力监测点</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="51"/>
        <source>Air quality station</source>
        <translation>空气质量监测站</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="52"/>
        <source>Crowd density sensor</source>
        <translation>人群密度监测</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="53"/>
        <source>Crowd counter</source>
        <translation>客流计数器</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="125"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="125"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="187"/>
        <source>Cannot select: {reason}</source>
        <translation>无法选择：{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="213"/>
        <source>Draw a rectangle or a polygon on the map to select.</source>
        <translation>在地图上框选或圈选。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="312"/>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 项</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="325"/>
        <source>Incidents ({n})</source>
        <translation>事件（{n}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="327"/>
        <source>Units ({n})</source>
        <translation>救援力量（{n}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="328"/>
        <source>Sensors ({n})</source>
        <translation>感知设备（{n}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="333"/>
        <source>Nothing in the selection</source>
        <translation>选区内没有对象</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="335"/>
        <source>1 incident</source>
        <translation>1 起事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="335"/>
        <source>{n} incidents</source>
        <translation>{n} 起事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="336"/>
        <source>1 unit</source>
        <translation>1 支力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="336"/>
        <source>{n} units</source>
        <translation>{n} 支力量</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="337"/>
        <source>1 sensor</source>
        <translation>1 个设备</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="337"/>
        <source>{n} sensors</source>
        <translation>{n} 个设备</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/selection_panel.py" line="339"/>
        <source>{incidents}, {units}, {sensors} in the selection</source>
        <translation>选区内：{incidents}、{units}、{sensors}</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="72"/>
        <source>Made</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="72"/>
        <source>Operation</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="72"/>
        <location filename="../../commandcenter/ui/sync_panel.py" line="74"/>
        <source>Item</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="72"/>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="72"/>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="74"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="74"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="74"/>
        <source>Mine</source>
        <translation>本机值</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="74"/>
        <source>Theirs</source>
        <translation>平台值</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="75"/>
        <source>Their author</source>
        <translation>平台值作者</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="75"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="78"/>
        <source>Accept theirs</source>
        <translation>采用平台值</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="81"/>
        <source>Re-apply mine</source>
        <translation>重新提交本机值</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="101"/>
        <source>Nothing yet: a summary appears here after the link comes back or a bundle is imported.</source>
        <translation>暂无：链路恢复或导入U盘包后，这里显示期间到达的变化。</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="112"/>
        <location filename="../../commandcenter/ui/sync_panel.py" line="291"/>
        <source>While you were away</source>
        <translation>离线期间的变化</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="187"/>
        <source>this post</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="187"/>
        <source>relayed {node}</source>
        <translation>转发自 {node}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="193"/>
        <source>Pending ({n})</source>
        <translation>待同步 ({n})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="210"/>
        <source>Conflicts ({n})</source>
        <translation>冲突 ({n})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="221"/>
        <source>Link: {state}</source>
        <translation>链路：{state}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="222"/>
        <source>Last sync: {time}</source>
        <translation>上次同步：{time}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="222"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="223"/>
        <source>Epoch: {epoch}</source>
        <translation>纪元：{epoch}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="223"/>
        <source>none yet</source>
        <translation>尚无</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="224"/>
        <source>This post: {node}</source>
        <translation>本节点：{node}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="230"/>
        <source>Last error: {error}</source>
        <translation>最近错误：{error}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="246"/>
        <source>A status moves only by its actions on the board</source>
        <translation>状态只能通过看板上的操作改变</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="273"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="287"/>
        <source>From the imported bundle</source>
        <translation>来自导入的U盘包</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="289"/>
        <source>While you were away ({duration})</source>
        <translation>离线期间（{duration}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="293"/>
        <source>{incidents} incidents, {tasks} tasks, {escalations} escalations, {alarms} alarms</source>
        <translation>事件 {incidents} 起，任务 {tasks} 项，升级 {escalations} 次，告警 {alarms} 条</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="298"/>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="298"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="299"/>
        <source>Escalation</source>
        <translation>升级</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="299"/>
        <source>Alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="300"/>
        <source>new</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="300"/>
        <source>changed</source>
        <translation>变更</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="306"/>
        <source>Open on the board</source>
        <translation>在看板中打开</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="308"/>
        <source>While you were away ({n})</source>
        <translation>离线期间的变化 ({n})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="337"/>
        <source>{d} d {h} h</source>
        <translation>{d} 天 {h} 小时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="339"/>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="341"/>
        <source>{m} min</source>
        <translation>{m} 分钟</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/sync_panel.py" line="342"/>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
</context>
<context>
    <name>TimelinePanel</name>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="253"/>
        <source>Command log</source>
        <translation>指挥日志</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="264"/>
        <source>Record a decision or a note…</source>
        <translation>记录决策或事项…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/joint_command.py" line="266"/>
        <location filename="../../commandcenter/ui/joint_command.py" line="299"/>
        <source>Record</source>
        <translation>记录</translation>
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
        <location filename="../../commandcenter/ui/incident_detail.py" line="82"/>
        <source>{name} ({level})</source>
        <translation>{name}({level})</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="87"/>
        <source>Lead</source>
        <translation>牵头</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="87"/>
        <source>Co-operating</source>
        <translation>协办</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="90"/>
        <source>Escalated x{n} (from {unit})</source>
        <translation>已升级 {n} 次（自{unit}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="93"/>
        <source>Supervised: {text}</source>
        <translation>督办：{text}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="95"/>
        <source>Extension asked until {t}</source>
        <translation>申请延期至 {t}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="97"/>
        <source>Follow-up: {s}</source>
        <translation>回访：{s}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="99"/>
        <source>Returned: {reason}</source>
        <translation>已退单:{reason}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="131"/>
        <source> h</source>
        <translation> 小时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="144"/>
        <source>Reason for return…</source>
        <translation>退单理由…</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="198"/>
        <source>{t} overdue</source>
        <translation>超时 {t}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="198"/>
        <source>{t} left</source>
        <translation>剩余 {t}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="202"/>
        <source>Signed for {t} ({how})</source>
        <translation>已签收 {t}（{how}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="203"/>
        <source>late</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="203"/>
        <source>in time</source>
        <translation>按时</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="205"/>
        <source>Sign for by {t} ({left})</source>
        <translation>签收时限 {t}（{left}）</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="208"/>
        <source>Finished {t}</source>
        <translation>已办结 {t}</translation>
    </message>
    <message>
        <location filename="../../commandcenter/ui/incident_detail.py" line="210"/>
        <source>Finish by {t} ({left})</source>
        <translation>办结时限 {t}（{left}）</translation>
    </message>
</context>
</TS>
