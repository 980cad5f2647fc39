; Inno Setup script: wraps the PyInstaller folder dist\ylt-desktop into setup.exe.
; Build on Windows after `pyinstaller build.spec` (see README.md beside this file):
;   iscc packaging\windows\ylt-desktop.iss
; The database lives in %LOCALAPPDATA%\YLT\YLTDesktop (platformdirs), outside {app}, so an
; upgrade or an uninstall never deletes it.

#define AppName "医联体成员数据填报"
#define AppVersion "0.1.0"
#define AppExe "ylt-desktop.exe"

[Setup]
AppId={{6F1E2B7C-5A3D-4E8F-9B21-7C4D2E9A1F03}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=YLT
DefaultDirName={autopf}\YLT Desktop
DefaultGroupName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=ylt-desktop-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
PrivilegesRequiredOverridesAllowed=dialog
UninstallDisplayIcon={app}\{#AppExe}

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\ylt-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{#AppName}（示例数据）"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]

Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
