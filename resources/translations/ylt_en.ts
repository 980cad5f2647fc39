<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AgreementDialog</name>
    <message>
        <source>编辑资源共享协议</source>
        <translation>Edit resource-sharing agreement</translation>
    </message>
    <message>
        <source>新增资源共享协议</source>
        <translation>New resource-sharing agreement</translation>
    </message>
    <message>
        <source>协议的编号、名称、类型、单位、分配比例和日期不能修改，已锁定季度的服务量也不能修改；其他季度的服务量和协议条款仍可填写。</source>
        <translation>The agreement&apos;s number, title, type, institutions, shares and dates cannot be changed, nor the volumes of locked quarters; other quarters&apos; volumes and the terms can still be entered.</translation>
    </message>
    <message>
        <source>本数据库是“%1”的成员库：这份协议由牵头单位维护（随名册包带来），协议本身不能在这里修改（改了也不会报送给牵头单位）；本单位只填写服务量。如需更正，请联系牵头单位。</source>
        <translation>This is the member database of “%1”: this agreement is kept by the lead unit (it came with the roster) and cannot be changed here (a change would not reach the lead unit); your unit only enters its volumes. To correct it, contact the lead unit.</translation>
    </message>
    <message>
        <source>已锁定季度的服务量不能修改。</source>
        <translation>The volumes of locked quarters cannot be changed.</translation>
    </message>
    <message>
        <source>成员单位</source>
        <translation>Member institution</translation>
    </message>
    <message>
        <source>分配比例(%)</source>
        <translation>Share (%)</translation>
    </message>
    <message>
        <source>（已退出）</source>
        <translation>(left)</translation>
    </message>
    <message>
        <source>本协议已于 %1 提前终止。终止原因：%2</source>
        <translation>This agreement was terminated early on %1. Reason: %2</translation>
    </message>
    <message>
        <source>已选 %n 家</source>
        <translation>%n selected</translation>
    </message>
    <message>
        <source>请先选择共享类型（“其他”须填写服务量指标名称）。</source>
        <translation>Choose the sharing type first (for “Other”, name the service measure).</translation>
    </message>
    <message>
        <source>协议生效后，可在此填写生效期间各季度的服务量。</source>
        <translation>Once the agreement is in effect, enter the service volume for each quarter here.</translation>
    </message>
    <message>
        <source>按季度填写（仅列出协议有效期内、截至本季度的季度）；空白表示未填。</source>
        <translation>One row per quarter (only quarters in the agreement&apos;s term, up to this quarter); blank means not entered.</translation>
    </message>
</context>
<context>
    <name>AgreementForm</name>
    <message>
        <source>资源共享协议</source>
        <translation>Resource-sharing agreement</translation>
    </message>
    <message>
        <source>协议信息</source>
        <translation>Agreement</translation>
    </message>
    <message>
        <source>协议编号</source>
        <translation>Agreement no.</translation>
    </message>
    <message>
        <source>如：YLT-2026-001，不得重复</source>
        <translation>e.g. YLT-2026-001; must be unique</translation>
    </message>
    <message>
        <source>协议名称</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>如：区域医学影像中心共享协议</source>
        <translation>e.g. Regional imaging centre sharing agreement</translation>
    </message>
    <message>
        <source>共享类型</source>
        <translation>Sharing type</translation>
    </message>
    <message>
        <source>服务量指标</source>
        <translation>Service measure</translation>
    </message>
    <message>
        <source>共享类型为“其他”时填写，如：家庭病床数</source>
        <translation>For type “Other”, e.g. home sickbeds</translation>
    </message>
    <message>
        <source>提供方</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>签订日期</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>已签订</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <source>生效日期</source>
        <translation>Effective from</translation>
    </message>
    <message>
        <source>已确定（不填为草拟）</source>
        <translation>Fixed (leave unticked for a draft)</translation>
    </message>
    <message>
        <source>终止日期</source>
        <translation>Ends</translation>
    </message>
    <message>
        <source>有约定终止日期</source>
        <translation>Has an agreed end date</translation>
    </message>
    <message>
        <source>提供方分配比例(%)</source>
        <translation>Provider&apos;s share (%)</translation>
    </message>
    <message>
        <source>如 40；不约定利益分配可不填</source>
        <translation>e.g. 40; leave blank if no revenue sharing</translation>
    </message>
    <message>
        <source>协议条款</source>
        <translation>Terms</translation>
    </message>
    <message>
        <source>主要条款、服务内容、收费与结算方式等</source>
        <translation>Main terms, services, charging and settlement</translation>
    </message>
    <message>
        <source>接收方</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <source>按名称筛选成员单位…</source>
        <translation>Filter member institutions by name…</translation>
    </message>
    <message>
        <source>勾选接收方；勾选后可填写该单位的分配比例</source>
        <translation>Tick the recipients, then enter each one&apos;s share</translation>
    </message>
    <message>
        <source>季度服务量</source>
        <translation>Quarterly service volume</translation>
    </message>
    <message>
        <source>每行一个季度，每列一项服务量指标；空白表示未填</source>
        <translation>One row per quarter, one column per service measure; blank means not entered</translation>
    </message>
</context>
<context>
    <name>AgreementTerminationForm</name>
    <message>
        <source>终止协议</source>
        <translation>Terminate agreement</translation>
    </message>
    <message>
        <source>提前终止日期</source>
        <translation>Terminated on</translation>
    </message>
    <message>
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <source>终止原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>如：接收方退出医联体；设备报废</source>
        <translation>e.g. recipient left the consortium; equipment scrapped</translation>
    </message>
    <message>
        <source>自终止日期当日起，协议状态为“终止”，不再计入此后季度的报表。</source>
        <translation>From that date the agreement is “Terminated” and no longer counts in later quarterly returns.</translation>
    </message>
</context>
<context>
    <name>AgreementsPage</name>
    <message>
        <source>搜索编号、名称、单位…</source>
        <translation>Search number, title, institution…</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>全部单位</source>
        <translation>All institutions</translation>
    </message>
    <message>
        <source>全部季度</source>
        <translation>All quarters</translation>
    </message>
    <message>
        <source>橙色底色：%n 天内到期</source>
        <translation>Orange: ends within %n days</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>终止…</source>
        <translation>Terminate…</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>上传扫描件…</source>
        <translation>Upload scan…</translation>
    </message>
    <message>
        <source>查看扫描件</source>
        <translation>View scan</translation>
    </message>
    <message>
        <source>撤销终止</source>
        <translation>Undo termination</translation>
    </message>
    <message>
        <source>替换扫描件…</source>
        <translation>Replace scan…</translation>
    </message>
    <message>
        <source>签署扫描件：%1（%2）&#x3000;SHA-256：%3</source>
        <translation>Signed scan: %1 (%2)  SHA-256: %3</translation>
    </message>
    <message>
        <source>签署扫描件：尚未上传</source>
        <translation>Signed scan: not uploaded yet</translation>
    </message>
    <message>
        <source>资源共享协议 %1 份</source>
        <translation>%1 sharing agreements</translation>
    </message>
    <message>
        <source>资源共享协议 %1 份，显示 %2 份</source>
        <translation>%1 sharing agreements, %2 shown</translation>
    </message>
    <message>
        <source>撤销“%1”的终止？撤销后状态按生效、终止日期确定。</source>
        <translation>Undo the termination of “%1”? Its status will follow its effective and end dates.</translation>
    </message>
    <message>
        <source>删除协议</source>
        <translation>Delete agreement</translation>
    </message>
    <message>
        <source>确定删除协议“%1 %2”及其服务量和附件吗？此操作不能撤销。</source>
        <translation>Delete agreement “%1 %2” with its service volumes and attachment? This cannot be undone.</translation>
    </message>
    <message>
        <source>替换扫描件</source>
        <translation>Replace scan</translation>
    </message>
    <message>
        <source>已有签署扫描件“%1”，用新文件替换吗？</source>
        <translation>A signed scan “%1” is already stored. Replace it?</translation>
    </message>
    <message>
        <source>选择签署扫描件</source>
        <translation>Choose the signed scan</translation>
    </message>
    <message>
        <source>签署扫描件 (*.pdf *.jpg *.jpeg *.png);;所有文件 (*)</source>
        <translation>Signed scans (*.pdf *.jpg *.jpeg *.png);;All files (*)</translation>
    </message>
    <message>
        <source>附件校验失败</source>
        <translation>Attachment check failed</translation>
    </message>
    <message>
        <source>无法打开附件</source>
        <translation>Cannot open attachment</translation>
    </message>
    <message>
        <source>系统没有可打开该文件的程序。文件已校验无误并保存在：%1</source>
        <translation>No program on this computer opens this file. It was checked and is stored at: %1</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>全部类别</source>
        <translation>All kinds</translation>
    </message>
    <message>
        <source>全部操作</source>
        <translation>All actions</translation>
    </message>
    <message>
        <source>搜索操作人、内容…</source>
        <translation>Search user, content…</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>To</translation>
    </message>
    <message>
        <source>双击一条记录查看全部内容</source>
        <translation>Double-click an entry to see all of it</translation>
    </message>
    <message>
        <source>操作日志详情</source>
        <translation>Audit log entry</translation>
    </message>
    <message>
        <source>操作日志：</source>
        <translation>Audit log: </translation>
    </message>
    <message>
        <source>共 %n 条</source>
        <translation>%n entries</translation>
    </message>
    <message>
        <source>（只显示最新的 %n 条，请缩小日期范围）</source>
        <translation>(only the latest %n shown; narrow the dates)</translation>
    </message>
</context>
<context>
    <name>Backup</name>
    <message>
        <source>数据库文件 (*.sqlite);;所有文件 (*)</source>
        <translation>Database files (*.sqlite);;All files (*)</translation>
    </message>
    <message>
        <source>PostgreSQL 备份文件 (*.dump);;所有文件 (*)</source>
        <translation>PostgreSQL backup files (*.dump);;All files (*)</translation>
    </message>
    <message>
        <source>备份数据库…</source>
        <translation>Back up database…</translation>
    </message>
    <message>
        <source>恢复数据库…</source>
        <translation>Restore database…</translation>
    </message>
    <message>
        <source>备份数据库</source>
        <translation>Back up database</translation>
    </message>
    <message>
        <source>不能备份</source>
        <translation>Cannot back up</translation>
    </message>
    <message>
        <source>备份文件不能是当前数据库本身，请换一个文件名。</source>
        <translation>The backup cannot be the open database itself. Choose another file name.</translation>
    </message>
    <message>
        <source>备份完成</source>
        <translation>Backup done</translation>
    </message>
    <message>
        <source>数据库已备份到：
%1</source>
        <translation>Database backed up to:
%1</translation>
    </message>
    <message>
        <source>恢复数据库</source>
        <translation>Restore database</translation>
    </message>
    <message>
        <source>不能恢复</source>
        <translation>Cannot restore</translation>
    </message>
    <message>
        <source>%1

当前数据库没有被改动。</source>
        <translation>%1

The open database was not changed.</translation>
    </message>
    <message>
        <source>将用备份文件
%1
替换当前数据库。

当前数据会先自动备份到 backups 文件夹；恢复后程序将重新载入数据。是否继续？</source>
        <translation>The open database will be replaced by the backup
%1

The current data are first backed up to the backups folder; after the restore the program reloads its data. Continue?</translation>
    </message>
    <message>
        <source>恢复完成</source>
        <translation>Restore done</translation>
    </message>
    <message>
        <source>已从备份恢复数据库。
恢复前的数据已另存为：
%1</source>
        <translation>The database was restored from the backup.
The data before the restore were saved as:
%1</translation>
    </message>
    <message>
        <source>没有用户登录，程序将关闭；请重新启动程序并登录。</source>
        <translation>Nobody signed in: the program will close. Please start it again and sign in.</translation>
    </message>
    <message>
        <source>未登录</source>
        <translation>Not signed in</translation>
    </message>
    <message>
        <source>数据库已损坏</source>
        <translation>Database damaged</translation>
    </message>
    <message>
        <source>%1

没有找到可用的备份。程序没有改动这个文件；请联系管理员。</source>
        <translation>%1

No usable backup was found. The file was not changed; please contact your administrator.</translation>
    </message>
    <message>
        <source>%1

找到最近的正常备份：
%2（%3）

是否用它恢复？损坏的文件会另存到 backups 文件夹，不会被删除。备份之后录入的数据需要重新录入。</source>
        <translation>%1

Newest good backup:
%2 (%3)

Restore from it? The damaged file is kept in the backups folder, not deleted. Data entered after the backup must be entered again.</translation>
    </message>
    <message>
        <source>已从 %1 的备份恢复数据库。</source>
        <translation>The database was restored from the backup of %1.</translation>
    </message>
</context>
<context>
    <name>Column</name>
    <message>
        <source>协议编号</source>
        <translation>Agreement no.</translation>
    </message>
    <message>
        <source>协议名称</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>共享类型</source>
        <translation>Sharing type</translation>
    </message>
    <message>
        <source>提供方</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>接收方</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <source>签订日期</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>生效日期</source>
        <translation>Effective from</translation>
    </message>
    <message>
        <source>终止日期</source>
        <translation>Ends</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>利益分配</source>
        <translation>Revenue sharing</translation>
    </message>
    <message>
        <source>附件</source>
        <translation>Attachment</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>操作人</source>
        <translation>User</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>数据类别</source>
        <translation>Record kind</translation>
    </message>
    <message>
        <source>记录编号</source>
        <translation>Record ID</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>机构名称</source>
        <translation>Institution name</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Unified social credit code</translation>
    </message>
    <message>
        <source>行政区划代码</source>
        <translation>Division code</translation>
    </message>
    <message>
        <source>机构类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>机构等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>医联体角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>加入日期</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>退出日期</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>实有床位</source>
        <translation>Actual beds</translation>
    </message>
    <message>
        <source>卫生技术人员</source>
        <translation>Health professionals</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>职称</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>派出单位</source>
        <translation>Sent from</translation>
    </message>
    <message>
        <source>接收单位</source>
        <translation>Received by</translation>
    </message>
    <message>
        <source>流动方向</source>
        <translation>Direction</translation>
    </message>
    <message>
        <source>流动形式</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>流动性质</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>开始日期</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>结束日期</source>
        <translation>End</translation>
    </message>
    <message>
        <source>工作天数</source>
        <translation>Working days</translation>
    </message>
    <message>
        <source>门急诊人次</source>
        <translation>Outpatient visits</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <source>专业</source>
        <translation>Specialty</translation>
    </message>
    <message>
        <source>所属机构</source>
        <translation>Home institution</translation>
    </message>
    <message>
        <source>晋升前基层服务(天)</source>
        <translation>Pre-promotion primary-care service (days)</translation>
    </message>
</context>
<context>
    <name>ConflictBox</name>
    <message>
        <source>冲突：%1</source>
        <translation>Conflict: %1</translation>
    </message>
    <message>
        <source>汇总库现有</source>
        <translation>Now in the consortium database</translation>
    </message>
    <message>
        <source>采用：</source>
        <translation>Use:</translation>
    </message>
    <message>
        <source>“%1”的数据</source>
        <translation>the data of “%1”</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>数据库服务器密码</source>
        <translation>Database server password</translation>
    </message>
    <message>
        <source>请输入数据库服务器的密码：</source>
        <translation>Enter the database server&apos;s password:</translation>
    </message>
    <message>
        <source>数据库连接</source>
        <translation>Database connection</translation>
    </message>
    <message>
        <source>本机数据库（保存在本电脑上，适合一台电脑填报）</source>
        <translation>Local database (kept on this computer, for one computer)</translation>
    </message>
    <message>
        <source>连接服务器（本单位多人同时填报，数据库在服务器上）</source>
        <translation>Connect to a server (several clerks at once; the database is on a server)</translation>
    </message>
    <message>
        <source>测试连接</source>
        <translation>Test connection</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>服务器</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>计算机名或 IP 地址，如 192.168.1.10</source>
        <translation>Computer name or IP address, e.g. 192.168.1.10</translation>
    </message>
    <message>
        <source>密码不会被本程序保存：连接时询问，或由系统的 PGPASSWORD 环境变量、pgpass 文件提供。服务器和账号由服务器管理员设置。</source>
        <translation>The program never saves the password: it is asked when connecting, or taken from the PGPASSWORD environment variable or the pgpass file. The server administrator sets up the server and the account.</translation>
    </message>
    <message>
        <source>服务器地址</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>端口</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>数据库名</source>
        <translation>Database name</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>正在连接…</source>
        <translation>Connecting…</translation>
    </message>
</context>
<context>
    <name>ConsortiumForm</name>
    <message>
        <source>首次使用</source>
        <translation>First start</translation>
    </message>
    <message>
        <source>欢迎使用医联体成员数据填报。首次使用，请填写本医联体及其牵头单位的基本信息。</source>
        <translation>Welcome to YLT Desktop. To begin, enter the basic details of your medical consortium and its lead institution.</translation>
    </message>
    <message>
        <source>医联体</source>
        <translation>Consortium</translation>
    </message>
    <message>
        <source>医联体名称</source>
        <translation>Consortium name</translation>
    </message>
    <message>
        <source>如：示例县医共体</source>
        <translation>e.g. Example County Health Community</translation>
    </message>
    <message>
        <source>医联体类型</source>
        <translation>Consortium type</translation>
    </message>
    <message>
        <source>所在地区</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>6位县级行政区划代码</source>
        <translation>6-digit county division code</translation>
    </message>
    <message>
        <source>成立日期</source>
        <translation>Founded</translation>
    </message>
    <message>
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <source>牵头单位</source>
        <translation>Lead institution</translation>
    </message>
    <message>
        <source>机构名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>如：示例县人民医院</source>
        <translation>e.g. Example County People&apos;s Hospital</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Unified social credit code</translation>
    </message>
    <message>
        <source>18位</source>
        <translation>18 characters</translation>
    </message>
    <message>
        <source>机构类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>机构等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>加入日期</source>
        <translation>Joined</translation>
    </message>
</context>
<context>
    <name>CoverBox</name>
    <message>
        <source>填报单位</source>
        <translation>Reporting unit</translation>
    </message>
    <message>
        <source>单位负责人</source>
        <translation>Head of unit</translation>
    </message>
    <message>
        <source>统计负责人</source>
        <translation>Head of statistics</translation>
    </message>
    <message>
        <source>填表人</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>封面与签字栏（下次自动带出）</source>
        <translation>Cover and signatures (remembered for next time)</translation>
    </message>
    <message>
        <source>完整证件号（仅供内部留存）</source>
        <translation>Full ID numbers (internal copies only)</translation>
    </message>
    <message>
        <source>报出日期</source>
        <translation>Submission date</translation>
    </message>
    <message>
        <source>留空即为本单位：%1</source>
        <translation>Leave empty for this unit: %1</translation>
    </message>
    <message>
        <source>留空即为牵头单位：%1</source>
        <translation>Leave empty for the lead unit: %1</translation>
    </message>
</context>
<context>
    <name>CreateAdminDialog</name>
    <message>
        <source>连接服务器…</source>
        <translation>Connect to a server…</translation>
    </message>
    <message>
        <source>本单位的数据库在服务器上（多人同时填报）：连接服务器，不在本机建库</source>
        <translation>Your unit&apos;s database is on a server (several clerks at once): connect to it instead of making one on this computer</translation>
    </message>
    <message>
        <source>创建管理员</source>
        <translation>Create administrator</translation>
    </message>
    <message>
        <source>本数据库还没有用户。请创建管理员：管理员可以添加填表人和审核人、备份与恢复数据库。密码至少 %n 个字符，请牢记。</source>
        <translation>This database has no users yet. Create the administrator: the administrator adds clerks and reviewers and backs up and restores the database. The password needs at least %n characters; keep it safe.</translation>
    </message>
    <message>
        <source>管理员用户名</source>
        <translation>Administrator user name</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>再输入一次</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>创建</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two passwords differ</translation>
    </message>
</context>
<context>
    <name>DivisionPicker</name>
    <message>
        <source>（省）</source>
        <translation>(Province)</translation>
    </message>
    <message>
        <source>（市）</source>
        <translation>(City)</translation>
    </message>
    <message>
        <source>（县、区）</source>
        <translation>(County/District)</translation>
    </message>
    <message>
        <source>或直接输入代码</source>
        <translation>or type the code</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>操作未完成</source>
        <translation>Not done</translation>
    </message>
    <message>
        <source>程序出错</source>
        <translation>Program error</translation>
    </message>
    <message>
        <source>操作未能完成，数据没有被修改。</source>
        <translation>The operation could not be completed; no data were changed.</translation>
    </message>
    <message>
        <source>复制详情</source>
        <translation>Copy details</translation>
    </message>
    <message>
        <source>数据库正被其他程序使用，正在等待……</source>
        <translation>The database is in use by another program; waiting…</translation>
    </message>
</context>
<context>
    <name>Exported</name>
    <message>
        <source>无法打开</source>
        <translation>Cannot open</translation>
    </message>
    <message>
        <source>系统没有可打开它的程序。文件保存在：
%1</source>
        <translation>No program on this computer opens it. The file is at:
%1</translation>
    </message>
    <message>
        <source>导出完成</source>
        <translation>Export done</translation>
    </message>
    <message>
        <source>已保存：
%1

文件夹：%2</source>
        <translation>Saved:
%1

Folder: %2</translation>
    </message>
    <message>
        <source>……共 %1 处，详见“检查”</source>
        <translation>… %1 in all; see Check</translation>
    </message>
    <message>
        <source>……共 %1 处，点“查看全部”逐条列出（本季度已报送，按报送时冻结的数据）</source>
        <translation>… %1 in all; Show all lists every one (the quarter is submitted: from its frozen data)</translation>
    </message>
    <message>
        <source>请注意，打印签章前核对：
%1</source>
        <translation>Please check before printing, signing and stamping:
%1</translation>
    </message>
    <message>
        <source>查看全部</source>
        <translation>Show all</translation>
    </message>
    <message>
        <source>打开文件夹</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>打开 %1 文件</source>
        <translation>Open %1 file</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>FigureGridView</name>
    <message>
        <source>没有粘贴</source>
        <translation>Nothing pasted</translation>
    </message>
    <message>
        <source>复制的内容有 %1 行 × %2 列，从所选单元格起表格只有 %3 行 × %4 列，放不下：没有粘贴。请选中能放下整块内容的起始单元格后再粘贴。</source>
        <translation>The copied block has %1 rows × %2 columns, but from the selected cell the table has only %3 rows × %4 columns: nothing was pasted. Select a starting cell where the whole block fits and paste again.</translation>
    </message>
</context>
<context>
    <name>FiguresPage</name>
    <message>
        <source>县域</source>
        <translation>County</translation>
    </message>
    <message>
        <source>季度：</source>
        <translation>Quarter:</translation>
    </message>
    <message>
        <source>成员单位运行指标（人次、人）：直接输入，或从 Excel 复制一块后选中起始单元格按 Ctrl+V 粘贴；无错误的行立即保存。</source>
        <translation>Operating figures of the members (visits, persons): type them, or copy a block in Excel, select the first cell and press Ctrl+V; rows without errors are saved at once.</translation>
    </message>
    <message>
        <source>县域运行指标（常住人口、县域总诊疗人次、住院人次来自统计和医保）</source>
        <translation>County figures (resident population, all visits in the county and inpatient stays, from statistics and insurance)</translation>
    </message>
    <message>
        <source>放弃未保存的运行指标</source>
        <translation>Discard unsaved operating figures</translation>
    </message>
    <message>
        <source>%1 的运行指标有错误，尚未保存。
放弃这些输入吗？（选“否”返回修改）</source>
        <translation>The operating figures of %1 have errors and are not saved.
Discard this input? (Choose No to go back and correct them.)</translation>
    </message>
    <message>
        <source>本数据库是成员库：只填写本单位的运行指标；县域运行指标由牵头单位填写</source>
        <translation>This is a member database: enter your own unit&apos;s operating figures only; the county&apos;s figures are entered by the lead unit</translation>
    </message>
    <message>
        <source>本季度已报送并锁定，只能查看（如需修改，请由审核人重新打开该季度）</source>
        <translation>This quarter is submitted and locked, read only (a reviewer can reopen it to make changes)</translation>
    </message>
    <message>
        <source>有错误，未保存：</source>
        <translation>Errors, not saved: </translation>
    </message>
    <message>
        <source>县域运行指标有错误，未保存</source>
        <translation>The county figures have errors and were not saved</translation>
    </message>
    <message>
        <source>未保存：</source>
        <translation>Not saved: </translation>
    </message>
    <message>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>创建</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>从备份恢复…</source>
        <translation>Restore from backup…</translation>
    </message>
    <message>
        <source>已有本程序的备份文件（如换了电脑）：从备份恢复全部数据</source>
        <translation>You have a backup of this program (e.g. on a new computer): restore all data from it</translation>
    </message>
    <message>
        <source>连接服务器…</source>
        <translation>Connect to a server…</translation>
    </message>
    <message>
        <source>本单位的数据库在服务器上（多人同时填报）：连接服务器上的数据库</source>
        <translation>Your unit&apos;s database is on a server (several clerks at once): connect to it</translation>
    </message>
    <message>
        <source>本单位是牵头单位（汇总库：全医联体的数据）</source>
        <translation>This unit is the lead unit (consortium database: the whole consortium)</translation>
    </message>
    <message>
        <source>本单位是成员单位（成员库：用牵头单位发来的名册包建立）</source>
        <translation>This unit is a member unit (member database: set up from the lead’s roster package)</translation>
    </message>
    <message>
        <source>本电脑的数据库</source>
        <translation>This PC’s database</translation>
    </message>
    <message>
        <source>用名册包建立成员库</source>
        <translation>Set up the member database from a roster package</translation>
    </message>
    <message>
        <source>请选择牵头单位发给本单位的名册包（.ylt 文件，通常在U盘上），并输入牵头单位告知的数据交换口令。</source>
        <translation>Choose the roster package the lead unit gave this unit (a .ylt file, usually on a USB stick) and type the exchange passphrase the lead told you.</translation>
    </message>
    <message>
        <source>尚未选择名册包</source>
        <translation>No roster package chosen yet</translation>
    </message>
    <message>
        <source>选择名册包…</source>
        <translation>Choose roster package…</translation>
    </message>
    <message>
        <source>名册包</source>
        <translation>Roster package</translation>
    </message>
    <message>
        <source>交换口令</source>
        <translation>Exchange passphrase</translation>
    </message>
    <message>
        <source>建立成员库</source>
        <translation>Set up member database</translation>
    </message>
    <message>
        <source>这个名册包属于医联体“%1”，发给“%2”。建立后，本数据库属于这个医联体。</source>
        <translation>This roster belongs to the consortium “%1” and is for “%2”. Once set up, this database belongs to that consortium.</translation>
    </message>
    <message>
        <source>选择牵头单位发来的名册包</source>
        <translation>Choose the roster package from the lead unit</translation>
    </message>
    <message>
        <source>请选择名册包</source>
        <translation>Choose the roster package</translation>
    </message>
    <message>
        <source>请输入交换口令</source>
        <translation>Type the exchange passphrase</translation>
    </message>
    <message>
        <source>正在用名册包建立成员库…</source>
        <translation>Setting up the member database from the roster package…</translation>
    </message>
    <message>
        <source>成员库已建立</source>
        <translation>Member database set up</translation>
    </message>
    <message>
        <source>不能建立成员库</source>
        <translation>Cannot set up the member database</translation>
    </message>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <source>不能恢复</source>
        <translation>Cannot restore</translation>
    </message>
    <message>
        <source>备份中没有医联体</source>
        <translation>No consortium in the backup</translation>
    </message>
    <message>
        <source>该备份中还没有创建医联体，请继续填写本页。</source>
        <translation>This backup has no consortium yet; please fill in this page.</translation>
    </message>
    <message>
        <source>恢复完成</source>
        <translation>Restore done</translation>
    </message>
    <message>
        <source>已从备份恢复“%1”的数据。</source>
        <translation>The data of “%1” were restored from the backup.</translation>
    </message>
</context>
<context>
    <name>Forms</name>
    <message>
        <source>输入名称中的几个字查找</source>
        <translation>Type part of the name to search</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <source>使用说明</source>
        <translation>User guide</translation>
    </message>
    <message>
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>字体许可</source>
        <translation>Font licence</translation>
    </message>
    <message>
        <source>&lt;h3&gt;医联体成员数据填报&lt;/h3&gt;&lt;p&gt;版本 %1&lt;/p&gt;&lt;p&gt;本程序在本机保存医联体成员数据，并生成季度报表（Excel 和 PDF）。&lt;/p&gt;&lt;p&gt;界面和报表使用随程序提供的字体“文泉驿微米黑”（WenQuanYi Micro Hei），其许可为 Apache License 2.0，或 GNU GPL 第 3 版及以后版本（附字体例外），可任选其一。&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Consortium member returns&lt;/h3&gt;&lt;p&gt;Version %1&lt;/p&gt;&lt;p&gt;Keeps the consortium&apos;s member data on this computer and makes the quarterly return (Excel and PDF).&lt;/p&gt;&lt;p&gt;The screens and returns use the bundled font WenQuanYi Micro Hei, licensed under the Apache License 2.0 or, at your choice, the GNU GPL version 3 or later with the font exception.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>查看字体许可…</source>
        <translation>Font licence…</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>历史</source>
        <translation>History</translation>
    </message>
    <message>
        <source>没有记录</source>
        <translation>No entries</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>（不导入）</source>
        <translation>(do not import)</translation>
    </message>
    <message>
        <source>正在导入，关闭将取消导入，已写入的内容不会保留（导入要么全部写入，要么全部不写）。确定取消吗？</source>
        <translation>An import is running. Closing cancels it and nothing written so far is kept (an import is written entirely or not at all). Cancel the import?</translation>
    </message>
    <message>
        <source>从 Excel 导入</source>
        <translation>Import from Excel</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>下载导入模板…</source>
        <translation>Download import template…</translation>
    </message>
    <message>
        <source>保存所选内容的 Excel 模板：列名、一行示例和填写说明</source>
        <translation>Save an Excel template for the selected kind: column names, one example row and instructions</translation>
    </message>
    <message>
        <source>按文件名识别</source>
        <translation>From the file name</translation>
    </message>
    <message>
        <source>工作天数、服务量属于哪个季度</source>
        <translation>The quarter the working days and volumes belong to</translation>
    </message>
    <message>
        <source>季度：</source>
        <translation>Quarter:</translation>
    </message>
    <message>
        <source>文件中的列</source>
        <translation>Column in file</translation>
    </message>
    <message>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <source>试导入（检查）</source>
        <translation>Trial import (check)</translation>
    </message>
    <message>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>全部导入</source>
        <translation>Import all</translation>
    </message>
    <message>
        <source>仅导入有效行</source>
        <translation>Import valid rows only</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>导入内容：</source>
        <translation>Import:</translation>
    </message>
    <message>
        <source>列对应（可修改）：</source>
        <translation>Column mapping (editable):</translation>
    </message>
    <message>
        <source>选择 Excel 文件</source>
        <translation>Choose Excel file</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx);;所有文件 (*)</source>
        <translation>Excel workbooks (*.xlsx);;All files (*)</translation>
    </message>
    <message>
        <source>文件名中写有多个季度（%1），未据文件名确定季度：请选择季度</source>
        <translation>The file name holds several quarters (%1), so no quarter was taken from it: please choose the quarter</translation>
    </message>
    <message>
        <source>保存导入模板</source>
        <translation>Save import template</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>未能保存模板</source>
        <translation>Template not saved</translation>
    </message>
    <message>
        <source>无法写入 %1：%2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
    <message>
        <source>已保存导入模板</source>
        <translation>Import template saved</translation>
    </message>
    <message>
        <source>模板已保存到：
%1

在 Excel 中填好后，用“选择文件…”导入。</source>
        <translation>The template was saved to:
%1

Fill it in with Excel, then import it with “Choose file…”.</translation>
    </message>
    <message>
        <source>无法导入</source>
        <translation>Cannot import</translation>
    </message>
    <message>
        <source>导入完成</source>
        <translation>Import done</translation>
    </message>
    <message>
        <source>导入未完成</source>
        <translation>Import not completed</translation>
    </message>
    <message>
        <source>
数据库未作任何修改。</source>
        <translation>
The database was not changed.</translation>
    </message>
    <message>
        <source>取消导入</source>
        <translation>Cancel import</translation>
    </message>
</context>
<context>
    <name>InstitutionDialog</name>
    <message>
        <source>编辑成员单位</source>
        <translation>Edit member institution</translation>
    </message>
    <message>
        <source>新增成员单位</source>
        <translation>New member institution</translation>
    </message>
    <message>
        <source>生效日期</source>
        <translation>Effective from</translation>
    </message>
    <message>
        <source>机构等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>机构类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>最初</source>
        <translation>Initially</translation>
    </message>
</context>
<context>
    <name>InstitutionForm</name>
    <message>
        <source>成员单位</source>
        <translation>Member institution</translation>
    </message>
    <message>
        <source>基本信息</source>
        <translation>Basic details</translation>
    </message>
    <message>
        <source>机构名称</source>
        <translation>Institution name</translation>
    </message>
    <message>
        <source>如：示例县人民医院</source>
        <translation>e.g. Example County People&apos;s Hospital</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Unified social credit code</translation>
    </message>
    <message>
        <source>18位，村卫生室、社区卫生服务站可不填</source>
        <translation>18 characters; optional for village clinics and community health stations</translation>
    </message>
    <message>
        <source>执业许可证登记号</source>
        <translation>Practice licence no.</translation>
    </message>
    <message>
        <source>选填</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>行政区划代码</source>
        <translation>Division code</translation>
    </message>
    <message>
        <source>6位县级代码或9/12位乡镇/村级代码</source>
        <translation>6-digit county or 9/12-digit township/village code</translation>
    </message>
    <message>
        <source>机构类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>机构等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>经济类型</source>
        <translation>Ownership</translation>
    </message>
    <message>
        <source>医联体角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>加入日期</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <source>退出日期</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>已退出</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>床位与人员</source>
        <translation>Beds and staff</translation>
    </message>
    <message>
        <source>编制床位</source>
        <translation>Approved beds</translation>
    </message>
    <message>
        <source>实有床位</source>
        <translation>Actual beds</translation>
    </message>
    <message>
        <source>在岗职工</source>
        <translation>Employees on duty</translation>
    </message>
    <message>
        <source>未填</source>
        <translation>Not given</translation>
    </message>
    <message>
        <source>不知道时留“未填”（按向下键减到最小），不要填 0</source>
        <translation>Leave “Not given” when unknown (press Down to the minimum); do not enter 0</translation>
    </message>
    <message>
        <source>卫生技术人员</source>
        <translation>Health professionals</translation>
    </message>
    <message>
        <source>执业(助理)医师</source>
        <translation>(Assistant) physicians</translation>
    </message>
    <message>
        <source>注册护士</source>
        <translation>Registered nurses</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>联系人</source>
        <translation>Contact person</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>手机或座机，如 0792-2221234</source>
        <translation>Mobile or landline, e.g. 0792-2221234</translation>
    </message>
    <message>
        <source>等级变更记录</source>
        <translation>Grade history</translation>
    </message>
    <message>
        <source>机构等级或类别已修改，请选择：</source>
        <translation>The grade or category was changed. Choose:</translation>
    </message>
    <message>
        <source>更正（原来填错了）</source>
        <translation>Correction (it was entered wrong)</translation>
    </message>
    <message>
        <source>等级变更，生效日期：</source>
        <translation>Grade change, effective from:</translation>
    </message>
</context>
<context>
    <name>InstitutionsPage</name>
    <message>
        <source>搜索名称、代码、类别…</source>
        <translation>Search name, code, category…</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>生成名册包…</source>
        <translation>Make roster packages…</translation>
    </message>
    <message>
        <source>成员库的成员单位由牵头单位的名册包维护，不能在此新增或删除</source>
        <translation>In a member database the units come from the lead unit’s roster package; they cannot be added or deleted here</translation>
    </message>
    <message>
        <source>成员库</source>
        <translation>Member database</translation>
    </message>
    <message>
        <source>成员单位 %1 家</source>
        <translation>%1 member institutions</translation>
    </message>
    <message>
        <source>成员单位 %1 家，显示 %2 家</source>
        <translation>%1 member institutions, %2 shown</translation>
    </message>
    <message>
        <source>删除成员单位</source>
        <translation>Delete member institution</translation>
    </message>
    <message>
        <source>确定删除“%1”吗？此操作不能撤销。</source>
        <translation>Delete “%1”? This cannot be undone.</translation>
    </message>
</context>
<context>
    <name>LeadExchangeBox</name>
    <message>
        <source>成员单位</source>
        <translation>Member unit</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Handled by</translation>
    </message>
    <message>
        <source>制作人</source>
        <translation>Made by</translation>
    </message>
    <message>
        <source>数据包</source>
        <translation>Data package</translation>
    </message>
    <message>
        <source>退回原因</source>
        <translation>Reason returned</translation>
    </message>
    <message>
        <source>成员单位报送情况（数据包）</source>
        <translation>Members’ reports (data packages)</translation>
    </message>
    <message>
        <source>打开成员数据包…</source>
        <translation>Open members’ data packages…</translation>
    </message>
    <message>
        <source>可一次选择多个文件，也可以把文件拖到本窗口上</source>
        <translation>Several files may be chosen at once, or dropped onto this window</translation>
    </message>
    <message>
        <source>退回…</source>
        <translation>Return…</translation>
    </message>
    <message>
        <source>生成名册包…</source>
        <translation>Make roster packages…</translation>
    </message>
    <message>
        <source>生成于 %1</source>
        <translation>Made at %1</translation>
    </message>
    <message>
        <source>尚未设置数据交换口令：成员单位用数据包报送前，请管理员在“数据交换”菜单中设置。</source>
        <translation>No exchange passphrase yet: before members report with data packages, an administrator sets it in the Data exchange menu.</translation>
    </message>
    <message>
        <source>%1：已报送 %2 个，共 %3 个成员单位</source>
        <translation>%1: %2 of %3 member units have reported</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Return</translation>
    </message>
    <message>
        <source>退回“%1”%2的数据的原因（成员单位会在下一次名册包中看到）：</source>
        <translation>Why the data of “%1” for %2 are returned (the member sees it in its next roster package):</translation>
    </message>
</context>
<context>
    <name>LineChart</name>
    <message>
        <source>—（数据不全）</source>
        <translation>— (data incomplete)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>概览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>成员单位</source>
        <translation>Member institutions</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>人员流动</source>
        <translation>Staff rotations</translation>
    </message>
    <message>
        <source>资源共享协议</source>
        <translation>Sharing agreements</translation>
    </message>
    <message>
        <source>运行指标</source>
        <translation>Operating figures</translation>
    </message>
    <message>
        <source>季度报表</source>
        <translation>Quarterly return</translation>
    </message>
    <message>
        <source>操作日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>医联体成员数据填报</source>
        <translation>Consortium member returns</translation>
    </message>
    <message>
        <source>正在打开数据库…</source>
        <translation>Opening the database…</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>导入…</source>
        <translation>Import…</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>新增…</source>
        <translation>New…</translation>
    </message>
    <message>
        <source>删除…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <source>查找</source>
        <translation>Find</translation>
    </message>
    <message>
        <source>设置…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>数据库：</source>
        <translation>Database: </translation>
    </message>
    <message>
        <source>&#x3000;当前用户：%1（%2）</source>
        <translation>   Signed in: %1 (%2)</translation>
    </message>
    <message>
        <source>成员单位 %n 家</source>
        <translation>%n member institutions</translation>
    </message>
</context>
<context>
    <name>MemberExchangeBox</name>
    <message>
        <source>向牵头单位报送（数据包）</source>
        <translation>Report to the lead unit (data package)</translation>
    </message>
    <message>
        <source>生成数据包…</source>
        <translation>Make data package…</translation>
    </message>
    <message>
        <source>导入新名册…</source>
        <translation>Open new roster…</translation>
    </message>
    <message>
        <source>牵头单位已于 %1 接收%2的数据包（%3），本季度已锁定。</source>
        <translation>The lead unit accepted the data package of %2 at %1 (%3); the quarter is locked.</translation>
    </message>
    <message>
        <source>牵头单位已接收本季度的数据包</source>
        <translation>The lead unit has accepted this quarter’s data package</translation>
    </message>
    <message>
        <source>填好本季度的数据后，点“生成数据包…”，把生成的文件交给牵头单位。牵头单位接收后，本季度会锁定（在下一次名册包中生效）。</source>
        <translation>Once the quarter’s data are entered, press Make data package… and give the file to the lead unit. When the lead accepts it, the quarter locks (with the next roster package).</translation>
    </message>
    <message>
        <source>牵头单位退回了%1的数据（%3，%4）：%2。请修改后重新生成数据包。</source>
        <translation>The lead unit returned the data of %1 (%3, %4): %2. Correct them and make a new data package.</translation>
    </message>
</context>
<context>
    <name>NotesDialog</name>
    <message>
        <source>打印签章前核对（共 %1 处）</source>
        <translation>Check before signing (%1 in all)</translation>
    </message>
    <message>
        <source>本季度已报送：以下按报送时冻结的数据（导出和打印的内容），与“检查”按现在的记录所列的可能不同。</source>
        <translation>This quarter is submitted: the list below is from the data frozen when it was submitted (what is exported and printed) and may differ from what Check lists from today&apos;s records.</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>本季度</source>
        <translation>This quarter</translation>
    </message>
    <message>
        <source>本年累计</source>
        <translation>Year to date</translation>
    </message>
    <message>
        <source>同比</source>
        <translation>Year on year</translation>
    </message>
    <message>
        <source>目标</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>达标</source>
        <translation>Met</translation>
    </message>
    <message>
        <source>概览&#x3000;季度：</source>
        <translation>Overview  Quarter:</translation>
    </message>
    <message>
        <source>设置目标…</source>
        <translation>Set targets…</translation>
    </message>
    <message>
        <source>正在计算…</source>
        <translation>Computing…</translation>
    </message>
    <message>
        <source>概览计算失败，详情已写入日志。</source>
        <translation>The overview could not be computed; the details are in the log.</translation>
    </message>
    <message>
        <source>已报送（已锁定）</source>
        <translation>Submitted (locked)</translation>
    </message>
    <message>
        <source>未报送</source>
        <translation>Not submitted</translation>
    </message>
    <message>
        <source>报表检查：正在检查…</source>
        <translation>Return check: checking…</translation>
    </message>
    <message>
        <source>报表检查：%1 个错误，%2 个警告</source>
        <translation>Return check: %1 errors, %2 warnings</translation>
    </message>
    <message>
        <source>等</source>
        <translation> and more</translation>
    </message>
    <message>
        <source>运行指标未填全：%1 家成员单位：</source>
        <translation>Operating figures incomplete at %1 members: </translation>
    </message>
    <message>
        <source>各成员单位运行指标已填全</source>
        <translation>Every member has entered its operating figures</translation>
    </message>
    <message>
        <source>县域运行指标未填：</source>
        <translation>County figures missing: </translation>
    </message>
</context>
<context>
    <name>Packages</name>
    <message>
        <source>数据交换包 (*.ylt)</source>
        <translation>Exchange packages (*.ylt)</translation>
    </message>
    <message>
        <source>数据交换口令</source>
        <translation>Exchange passphrase</translation>
    </message>
    <message>
        <source>%1，请输入本医联体的数据交换口令：</source>
        <translation>%1: type the consortium’s exchange passphrase:</translation>
    </message>
    <message>
        <source>尚未设置数据交换口令</source>
        <translation>No exchange passphrase yet</translation>
    </message>
    <message>
        <source>尚未设置数据交换口令：请管理员先在菜单“数据交换 → 设置交换口令…”中设置，再生成名册包、接收数据包。</source>
        <translation>No exchange passphrase yet: an administrator first sets it under Data exchange → Set exchange passphrase…, then roster packages can be made and data packages received.</translation>
    </message>
    <message>
        <source>数据交换</source>
        <translation>Data exchange</translation>
    </message>
    <message>
        <source>生成数据包…</source>
        <translation>Make data package…</translation>
    </message>
    <message>
        <source>导入新名册…</source>
        <translation>Open new roster…</translation>
    </message>
    <message>
        <source>打开成员数据包…</source>
        <translation>Open members’ data packages…</translation>
    </message>
    <message>
        <source>生成名册包…</source>
        <translation>Make roster packages…</translation>
    </message>
    <message>
        <source>设置交换口令…</source>
        <translation>Set exchange passphrase…</translation>
    </message>
    <message>
        <source>不能打开</source>
        <translation>Cannot open</translation>
    </message>
    <message>
        <source>成员库只能打开牵头单位发来的名册包（一次一个）；数据包应由牵头单位的汇总库打开。</source>
        <translation>A member database opens only roster packages from the lead unit (one at a time); data packages are opened by the lead unit’s consortium database.</translation>
    </message>
    <message>
        <source>名册包是发给成员单位的，应在成员单位的电脑上打开；汇总库只打开成员单位的数据包。</source>
        <translation>Roster packages are for member units and are opened on their PCs; the consortium database opens only members’ data packages.</translation>
    </message>
    <message>
        <source>打开成员单位的数据包（可多选）</source>
        <translation>Open members’ data packages (several may be chosen)</translation>
    </message>
    <message>
        <source>打开成员单位的数据包</source>
        <translation>Open members’ data packages</translation>
    </message>
    <message>
        <source>不能打开数据包</source>
        <translation>Cannot open the data packages</translation>
    </message>
    <message>
        <source>正在读取数据包…</source>
        <translation>Reading the data packages…</translation>
    </message>
    <message>
        <source>牵头单位将拒收这个数据包</source>
        <translation>The lead unit will refuse this package</translation>
    </message>
    <message>
        <source>数据包中有本单位自行录入的协议</source>
        <translation>The package has agreements entered at this unit</translation>
    </message>
    <message>
        <source>仍要生成这个数据包吗？</source>
        <translation>Make this data package anyway?</translation>
    </message>
    <message>
        <source>仍然生成</source>
        <translation>Make it anyway</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>选择数据包保存的文件夹（如U盘）</source>
        <translation>Choose the folder to save the data package in (e.g. a USB stick)</translation>
    </message>
    <message>
        <source>生成%1的数据包</source>
        <translation>Make the data package of %1</translation>
    </message>
    <message>
        <source>已生成数据包</source>
        <translation>Data package made</translation>
    </message>
    <message>
        <source>已生成%1的数据包：
%2

请把这个文件交给牵头单位（U盘、内网等）；交换口令另行告知，不要与文件一起发送。</source>
        <translation>The data package of %1 was made:
%2

Give this file to the lead unit (USB stick, intranet…); tell the exchange passphrase separately, never together with the file.</translation>
    </message>
    <message>
        <source>不能生成数据包</source>
        <translation>Cannot make the data package</translation>
    </message>
    <message>
        <source>正在生成数据包…</source>
        <translation>Making the data package…</translation>
    </message>
    <message>
        <source>这个名册包已经打开过，没有改动。</source>
        <translation>This roster package was opened before; nothing changed.</translation>
    </message>
    <message>
        <source>已建立成员库：%1 — %2</source>
        <translation>Member database set up: %1 — %2</translation>
    </message>
    <message>
        <source>已用新的名册包更新成员库。</source>
        <translation>The member database was updated from the new roster package.</translation>
    </message>
    <message>
        <source>成员单位 %1 个，协议 %2 份，来本单位流动的外单位人员 %3 人。</source>
        <translation>%1 member units, %2 agreements, %3 persons of other units rotating here.</translation>
    </message>
    <message>
        <source>牵头单位已删除、本库也已删除的单位：%1</source>
        <translation>Units the lead unit deleted, now deleted here too: %1</translation>
    </message>
    <message>
        <source>牵头单位已删除（或本单位已不参与）、本库也已删除的协议：%1</source>
        <translation>Agreements the lead unit deleted (or this unit no longer takes part in), now deleted here too: %1</translation>
    </message>
    <message>
        <source>%1：牵头单位已接收，本季度已锁定。</source>
        <translation>%1: accepted by the lead unit; the quarter is locked.</translation>
    </message>
    <message>
        <source>%1：牵头单位已退回，原因：%2（请修改后重新生成数据包）</source>
        <translation>%1: returned by the lead unit, reason: %2 (correct it and make a new data package)</translation>
    </message>
    <message>
        <source>打开牵头单位发来的名册包</source>
        <translation>Open the roster package from the lead unit</translation>
    </message>
    <message>
        <source>打开名册包</source>
        <translation>Open the roster package</translation>
    </message>
    <message>
        <source>名册包</source>
        <translation>Roster package</translation>
    </message>
    <message>
        <source>不能打开名册包</source>
        <translation>Cannot open the roster package</translation>
    </message>
    <message>
        <source>正在打开名册包…</source>
        <translation>Opening the roster package…</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>设置数据交换口令</source>
        <translation>Set the exchange passphrase</translation>
    </message>
    <message>
        <source>成员单位的数据包和发给成员单位的名册包都用这个口令加密。请当面或电话告知各成员单位，不要与文件一起发送。</source>
        <translation>Members’ data packages and the roster packages sent to them are encrypted with this passphrase. Tell it to each member unit in person or by phone, never together with the files.</translation>
    </message>
    <message>
        <source>
修改口令后，须给每个成员单位重新生成名册包（用新口令打开）。</source>
        <translation>
After a change, make a new roster package for every member unit (opened with the new passphrase).</translation>
    </message>
    <message>
        <source>交换口令</source>
        <translation>Exchange passphrase</translation>
    </message>
    <message>
        <source>再输入一次</source>
        <translation>Type it again</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Set</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>交换口令请只用字母、数字和符号（密码框中不能用输入法输入汉字）</source>
        <translation>Use only letters, digits and symbols in the exchange passphrase (a password box takes no input-method characters)</translation>
    </message>
    <message>
        <source>两次输入的交换口令不一致</source>
        <translation>The two passphrases typed differ</translation>
    </message>
    <message>
        <source>已设置</source>
        <translation>Set</translation>
    </message>
    <message>
        <source>已设置数据交换口令（数据库只保存其校验值，已记入操作日志）。</source>
        <translation>The exchange passphrase was set (the database keeps only its check value; logged in the audit log).</translation>
    </message>
</context>
<context>
    <name>Permissions</name>
    <message>
        <source>请先登录</source>
        <translation>Please sign in first</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <source>接收成员单位的数据包</source>
        <translation>Receive members’ data packages</translation>
    </message>
    <message>
        <source>应用</source>
        <translation>Apply</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>以下是这些数据包将对汇总库做的改动。点“应用”后全部接收（接收前自动备份数据库）；有任何一个不能接收时，一个也不接收。</source>
        <translation>These are the changes the packages would make to the consortium database. Apply receives all of them (after an automatic backup); when any one cannot be received, none is.</translation>
    </message>
    <message>
        <source>单位：%1&#x3000;季度：%2&#x3000;生成于：%3&#x3000;制作人：%4</source>
        <translation>Unit: %1   Quarter: %2   Made at: %3   Made by: %4</translation>
    </message>
    <message>
        <source>不能接收：%1</source>
        <translation>Cannot be received: %1</translation>
    </message>
    <message>
        <source>这个数据包已经接收过：不会重复接收，没有改动。</source>
        <translation>This data package was received before: it is not received twice; nothing changes.</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>修改</source>
        <translation>Changed</translation>
    </message>
    <message>
        <source>不变</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Deleted</translation>
    </message>
    <message>
        <source>明细（%1 条）</source>
        <translation>Details (%1)</translation>
    </message>
    <message>
        <source>%1 个文件不能接收（红字说明原因），所以这一批都不能接收：请点“取消”，不选这些文件重新打开。</source>
        <translation>%1 file(s) cannot be received (the reason in red), so none of this batch can: press Cancel and open again without them.</translation>
    </message>
    <message>
        <source>这些数据包都已接收过，没有需要接收的内容。</source>
        <translation>All these data packages were received before; there is nothing to receive.</translation>
    </message>
    <message>
        <source>还有 %1 处冲突未选择采用哪一方的数据</source>
        <translation>%1 conflict(s) still need a choice of whose data to use</translation>
    </message>
    <message>
        <source>正在接收数据包（先备份数据库）…</source>
        <translation>Receiving the data packages (backing up the database first)…</translation>
    </message>
    <message>
        <source>已接收</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>已接收 %1 个数据包；接收前已备份数据库：
%2</source>
        <translation>%1 data package(s) received; the database was backed up first:
%2</translation>
    </message>
    <message>
        <source>未接收任何数据包</source>
        <translation>No data package was received</translation>
    </message>
</context>
<context>
    <name>RecordChangedDialog</name>
    <message>
        <source>该记录已被他人修改</source>
        <translation>Someone else has changed this record</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>您的值</source>
        <translation>Your value</translation>
    </message>
    <message>
        <source>他人保存的值</source>
        <translation>Value saved by the other user</translation>
    </message>
    <message>
        <source>知道了</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>（他人保存的值与您填写的相同）</source>
        <translation> (the values saved by the other user are the same as yours)</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>历史…</source>
        <translation>History…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>还有 %n 项需要填写或更正</source>
        <translation>%n field(s) still to fill in or correct</translation>
    </message>
    <message>
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <source>有尚未保存的修改，确定放弃吗？</source>
        <translation>There are unsaved changes. Discard them?</translation>
    </message>
    <message>
        <source>%1已报送并锁定：%2</source>
        <translation>%1 submitted and locked: %2</translation>
    </message>
    <message>
        <source>如需修改，请审核人在“季度报表”页选择该季度，点“重新打开…”并填写原因（会记入日志），改好后再报送。</source>
        <translation>To change it, a reviewer chooses the quarter on the Quarterly return page, clicks Reopen… and gives a reason (logged); submit it again once corrected.</translation>
    </message>
    <message>
        <source>操作被拒绝</source>
        <translation>Not allowed</translation>
    </message>
    <message>
        <source>不能删除</source>
        <translation>Cannot delete</translation>
    </message>
</context>
<context>
    <name>ReturnOutput</name>
    <message>
        <source>有成员单位尚未报送</source>
        <translation>Some members have not reported</translation>
    </message>
    <message>
        <source>%1 个成员单位尚未报送%2的数据包（或已退回）：%3

可以导出，但报表中这些单位的数据可能不全。仍要导出吗？</source>
        <translation>%1 member unit(s) have not reported the data package of %2 (or it was returned): %3

The return can be exported, but these units’ data may be incomplete. Export anyway?</translation>
    </message>
    <message>
        <source>选择保存报表的文件夹</source>
        <translation>Choose a folder for the return</translation>
    </message>
    <message>
        <source>完整证件号</source>
        <translation>Whole ID numbers</translation>
    </message>
    <message>
        <source>导出完整证件号码的用途（将记入日志）：</source>
        <translation>Purpose of exporting whole ID numbers (logged):</translation>
    </message>
    <message>
        <source>正在导出报表…</source>
        <translation>Exporting the return…</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>导出已取消，没有写入任何文件。</source>
        <translation>Export cancelled; no files were written.</translation>
    </message>
    <message>
        <source>不能导出</source>
        <translation>Cannot export</translation>
    </message>
    <message>
        <source>打印预览：本单位报表（成员单位）</source>
        <translation>Print preview: this unit’s own return (member unit)</translation>
    </message>
    <message>
        <source>打印预览</source>
        <translation>Print preview</translation>
    </message>
    <message>
        <source>打印报表</source>
        <translation>Print the return</translation>
    </message>
    <message>
        <source>打印失败</source>
        <translation>Printing failed</translation>
    </message>
    <message>
        <source>打印前请核对</source>
        <translation>Check before printing</translation>
    </message>
    <message>
        <source>仍要打印</source>
        <translation>Print anyway</translation>
    </message>
    <message>
        <source>打印件上这些字印作“〓”（与导出的 PDF 相同）。仍要打印吗？</source>
        <translation>These characters are printed as “〓” (as in the exported PDF). Print anyway?</translation>
    </message>
</context>
<context>
    <name>ReturnsPage</name>
    <message>
        <source>检查</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>导出 Excel</source>
        <translation>Export Excel</translation>
    </message>
    <message>
        <source>导出 PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <source>导出 Excel 和 PDF</source>
        <translation>Export Excel and PDF</translation>
    </message>
    <message>
        <source>标记已报送</source>
        <translation>Mark as submitted</translation>
    </message>
    <message>
        <source>重新打开…</source>
        <translation>Reopen…</translation>
    </message>
    <message>
        <source>打印预览…</source>
        <translation>Print preview…</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>报告期</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>检查结果（双击跳转到记录；错误阻止导出，警告不阻止）</source>
        <translation>Check results (double-click to open the record; errors block export, warnings do not)</translation>
    </message>
    <message>
        <source>封面有误</source>
        <translation>Cover not accepted</translation>
    </message>
    <message>
        <source>未报送</source>
        <translation>Not submitted</translation>
    </message>
    <message>
        <source>已报送：%1 由 %2 报送，数据已锁定</source>
        <translation>Submitted on %1 by %2; data locked</translation>
    </message>
    <message>
        <source>本库是“%1”的成员库：这里检查、导出和打印的是本单位自己的报表（成员单位报表），只含本单位的数据，封面和文件名都注明成员单位；医联体的季度报表由牵头单位汇总填报。</source>
        <translation>This is the member database of “%1”: what is checked, exported and printed here is this unit’s own return (member unit’s return), holding only this unit’s data; its cover and file name say so. The consortium’s quarterly return is compiled and filed by the lead unit.</translation>
    </message>
    <message>
        <source>%1 个错误，%2 个警告</source>
        <translation>%1 error(s), %2 warning(s)</translation>
    </message>
    <message>
        <source>没有发现问题，可以导出。</source>
        <translation>No problems found; ready to export.</translation>
    </message>
    <message>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>警告</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>标记%1已报送后，该季度的数据将被锁定，只有审核人可以解锁。继续吗？</source>
        <translation>Once %1 is marked as submitted, its data are locked and only a reviewer can unlock them. Continue?</translation>
    </message>
    <message>
        <source>重新打开</source>
        <translation>Reopen</translation>
    </message>
    <message>
        <source>重新打开%1的原因（将记入日志）：</source>
        <translation>Reason for reopening %1 (written to the audit log):</translation>
    </message>
</context>
<context>
    <name>RosterDialog</name>
    <message>
        <source>生成名册包</source>
        <translation>Make roster packages</translation>
    </message>
    <message>
        <source>名册包交给成员单位，用来建立或更新它的成员库（本医联体的成员单位、它参与的协议、来它这里流动的外单位人员，以及各季度的接收/退回情况）。</source>
        <translation>A roster package sets up or updates a member unit’s database (the consortium’s units, the agreements it takes part in, the persons of other units rotating to it, and each quarter’s accepted/returned state).</translation>
    </message>
    <message>
        <source>查找单位</source>
        <translation>Find unit</translation>
    </message>
    <message>
        <source>全选</source>
        <translation>Select all</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>保存到</source>
        <translation>Save to</translation>
    </message>
    <message>
        <source>交换口令</source>
        <translation>Exchange passphrase</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>名册包保存到</source>
        <translation>Save roster packages to</translation>
    </message>
    <message>
        <source>正在生成名册包…</source>
        <translation>Making roster packages…</translation>
    </message>
    <message>
        <source>已生成名册包</source>
        <translation>Roster packages made</translation>
    </message>
    <message>
        <source>已生成 %1 个名册包，保存在：
%2

请把每个文件交给对应的成员单位；交换口令请当面或电话告知，不要与文件一起发送。</source>
        <translation>%1 roster package(s) made, saved in:
%2

Give each file to its member unit; tell the exchange passphrase in person or by phone, never together with the files.</translation>
    </message>
    <message>
        <source>不能生成名册包</source>
        <translation>Cannot make roster packages</translation>
    </message>
    <message>
        <source>名册包未全部生成</source>
        <translation>Not every roster package was made</translation>
    </message>
</context>
<context>
    <name>RotationDialog</name>
    <message>
        <source>编辑人员流动</source>
        <translation>Edit staff rotation</translation>
    </message>
    <message>
        <source>新增人员流动</source>
        <translation>New staff rotation</translation>
    </message>
    <message>
        <source>这条流动记录只能查看，不能修改。</source>
        <translation>this rotation can be viewed but not changed. </translation>
    </message>
    <message>
        <source>人员、单位、形式和日期不能修改，已锁定季度的数字也不能修改；其他季度的数字和备注仍可填写。</source>
        <translation>the person, institutions, form and dates cannot be changed, nor the figures of locked quarters; other quarters&apos; figures and the note can still be entered. </translation>
    </message>
</context>
<context>
    <name>RotationForm</name>
    <message>
        <source>人员流动</source>
        <translation>Staff rotation</translation>
    </message>
    <message>
        <source>流动信息</source>
        <translation>Rotation</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Staff member</translation>
    </message>
    <message>
        <source>输入姓名或证件号码搜索</source>
        <translation>Type a name or ID number to search</translation>
    </message>
    <message>
        <source>派出单位</source>
        <translation>Sent from</translation>
    </message>
    <message>
        <source>接收单位</source>
        <translation>Received by</translation>
    </message>
    <message>
        <source>流动方向</source>
        <translation>Direction</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>由派出单位与接收单位的等级推算，不需填写</source>
        <translation>Worked out from the two institutions&apos; grades</translation>
    </message>
    <message>
        <source>流动形式</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>开始日期</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <source>结束日期</source>
        <translation>End</translation>
    </message>
    <message>
        <source>已结束</source>
        <translation>Ended</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>选填</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>分季度工作天数与服务量</source>
        <translation>Working days and services by quarter</translation>
    </message>
    <message>
        <source>每个涉及的季度一行。派驻、晋升前基层服务、进修学习的工作天数默认为本季度内的日历天数；其他形式请填写实际工作天数。</source>
        <translation>One row per quarter covered. For postings, pre-promotion primary-care service and training, working days default to the calendar days in the quarter; for other forms enter the days actually worked.</translation>
    </message>
</context>
<context>
    <name>RotationsPage</name>
    <message>
        <source>搜索姓名、证件号码、单位、备注…</source>
        <translation>Search name, ID number, institution, note…</translation>
    </message>
    <message>
        <source>全部季度</source>
        <translation>All quarters</translation>
    </message>
    <message>
        <source>全部方向</source>
        <translation>All directions</translation>
    </message>
    <message>
        <source>全部形式</source>
        <translation>All forms</translation>
    </message>
    <message>
        <source>全部单位</source>
        <translation>All institutions</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>人员流动 %1 条</source>
        <translation>%1 rotations</translation>
    </message>
    <message>
        <source>人员流动 %1 条，显示 %2 条</source>
        <translation>%1 rotations, %2 shown</translation>
    </message>
    <message>
        <source>确定删除“%1”的这条流动记录（%2 → %3）吗？此操作不能撤销。</source>
        <translation>Delete this rotation of “%1” (%2 → %3)? This cannot be undone.</translation>
    </message>
    <message>
        <source>删除人员流动</source>
        <translation>Delete staff rotation</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>数据库连接…</source>
        <translation>Database connection…</translation>
    </message>
    <message>
        <source>本机数据库或连接服务器</source>
        <translation>Local database or a server</translation>
    </message>
    <message>
        <source>数据库连接</source>
        <translation>Database connection</translation>
    </message>
    <message>
        <source>已保存。下次启动程序时将打开：%1
（本次仍使用当前数据库：%2）</source>
        <translation>Saved. The next start opens: %1
(this session still uses the current database: %2)</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>医联体的基本信息和牵头单位。更换牵头单位后，原牵头单位成为成员单位；每项修改都记入操作日志。</source>
        <translation>The consortium&apos;s details and its lead institution. When the lead changes, the former lead becomes a member; every change is recorded in the audit log.</translation>
    </message>
    <message>
        <source>医联体</source>
        <translation>Consortium</translation>
    </message>
    <message>
        <source>医联体名称</source>
        <translation>Consortium name</translation>
    </message>
    <message>
        <source>医联体类型</source>
        <translation>Consortium type</translation>
    </message>
    <message>
        <source>所在地区</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>成立日期</source>
        <translation>Founded</translation>
    </message>
    <message>
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <source>牵头单位</source>
        <translation>Lead institution</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
</context>
<context>
    <name>StaffDetail</name>
    <message>
        <source>人员详情</source>
        <translation>Staff details</translation>
    </message>
    <message>
        <source>请在左侧选择人员</source>
        <translation>Choose a person on the left</translation>
    </message>
    <message>
        <source>流动记录</source>
        <translation>Rotations</translation>
    </message>
    <message>
        <source>晋升前基层服务累计 %1 天</source>
        <translation>Pre-promotion primary-care service: %1 days in total</translation>
    </message>
    <message>
        <source>&#x3000;✔ 已满一年（365天）</source>
        <translation>  ✔ one year (365 days) reached</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>编辑人员</source>
        <translation>Edit staff member</translation>
    </message>
    <message>
        <source>新增人员</source>
        <translation>New staff member</translation>
    </message>
</context>
<context>
    <name>StaffForm</name>
    <message>
        <source>人员</source>
        <translation>Staff member</translation>
    </message>
    <message>
        <source>人员信息</source>
        <translation>Staff member</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>如：王建国</source>
        <translation>e.g. Wang Jianguo</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>居民身份证18位，末位可为 X</source>
        <translation>Resident ID card: 18 characters, the last may be X</translation>
    </message>
    <message>
        <source>执业证书编码</source>
        <translation>Practising certificate no.</translation>
    </message>
    <message>
        <source>选填</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>职称</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>专业</source>
        <translation>Specialty</translation>
    </message>
    <message>
        <source>所属机构</source>
        <translation>Home institution</translation>
    </message>
</context>
<context>
    <name>StaffPage</name>
    <message>
        <source>搜索姓名、证件号码、职称、专业、机构…</source>
        <translation>Search name, ID number, title, specialty, institution…</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>人员 %1 人</source>
        <translation>%1 staff</translation>
    </message>
    <message>
        <source>人员 %1 人，显示 %2 人</source>
        <translation>%1 staff, %2 shown</translation>
    </message>
    <message>
        <source>删除人员</source>
        <translation>Delete staff member</translation>
    </message>
    <message>
        <source>确定删除“%1”吗？此操作不能撤销。</source>
        <translation>Delete “%1”? This cannot be undone.</translation>
    </message>
</context>
<context>
    <name>TargetsDialog</name>
    <message>
        <source>监测指标目标</source>
        <translation>Indicator targets</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>目标值</source>
        <translation>Target value</translation>
    </message>
    <message>
        <source>比较</source>
        <translation>Comparison</translation>
    </message>
    <message>
        <source>起始年份</source>
        <translation>From year</translation>
    </message>
    <message>
        <source>地区</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>选中行恢复默认</source>
        <translation>Reset selected rows to the default</translation>
    </message>
    <message>
        <source>本医联体的目标值（由管理员设置；未改动的行沿用模板的默认目标）</source>
        <translation>This consortium&apos;s targets (set by an administrator; rows left unchanged keep the template&apos;s default)</translation>
    </message>
    <message>
        <source>目标未保存</source>
        <translation>Targets not saved</translation>
    </message>
</context>
<context>
    <name>TerminationDialog</name>
    <message>
        <source>终止协议</source>
        <translation>Terminate agreement</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>用户管理…</source>
        <translation>Users…</translation>
    </message>
    <message>
        <source>用户管理</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>添加…</source>
        <translation>Add…</translation>
    </message>
    <message>
        <source>修改角色…</source>
        <translation>Change role…</translation>
    </message>
    <message>
        <source>重设密码…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <source>停用/启用</source>
        <translation>Disable/enable</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Enabled</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>角色：</source>
        <translation>Role:</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>“%1”的新密码：</source>
        <translation>New password for “%1”:</translation>
    </message>
    <message>
        <source>再输入一次：</source>
        <translation>Repeat:</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two passwords differ</translation>
    </message>
    <message>
        <source>添加用户</source>
        <translation>Add user</translation>
    </message>
    <message>
        <source>用户名：</source>
        <translation>User name:</translation>
    </message>
</context>
</TS>
