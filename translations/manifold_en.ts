<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>manifold::ClientSetupDialog</name>
    <message numerus="yes">
        <location filename="../app/tray/clientsetupdialog.cpp" line="203"/>
        <source>Setup rewrites %n file(s) so their servers run through Manifold.</source>
        <translation><numerusform>Setup rewrites %n file so their servers run through Manifold.</numerusform><numerusform>Setup rewrites %n files so their servers run through Manifold.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/tray/clientsetupdialog.cpp" line="207"/>
        <source>It adds %n new server(s) to Manifold.</source>
        <translation><numerusform>It adds %n new server to Manifold.</numerusform><numerusform>It adds %n new servers to Manifold.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/tray/clientsetupdialog.cpp" line="209"/>
        <source>%n secret value(s) move from the client files to the keychain; the preview shows them as ********.</source>
        <translation><numerusform>%n secret value moves from the client files to the keychain; the preview shows it as ********.</numerusform><numerusform>%n secret values move from the client files to the keychain; the preview shows them as ********.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/tray/clientsetupdialog.cpp" line="214"/>
        <source>%n file(s) cannot be read or parsed and stay untouched.</source>
        <translation><numerusform>%n file cannot be read or parsed and stay untouched.</numerusform><numerusform>%n files cannot be read or parsed and stay untouched.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/tray/clientsetupdialog.cpp" line="256"/>
        <source>Revert puts back %n file(s) as they were before setup, secrets included.</source>
        <translation><numerusform>Revert puts back %n file as they were before setup, secrets included.</numerusform><numerusform>Revert puts back %n files as they were before setup, secrets included.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/tray/clientsetupdialog.cpp" line="259"/>
        <source>%n file(s) cannot be reverted and stay untouched.</source>
        <translation><numerusform>%n file cannot be reverted and stay untouched.</numerusform><numerusform>%n files cannot be reverted and stay untouched.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/tray/clientsetupdialog.cpp" line="302"/>
        <source>Changed %n file(s): %1</source>
        <translation><numerusform>Changed %n file: %1</numerusform><numerusform>Changed %n files: %1</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/tray/clientsetupdialog.cpp" line="306"/>
        <source>Added %n server(s) to Manifold: %1</source>
        <translation><numerusform>Added %n server to Manifold: %1</numerusform><numerusform>Added %n servers to Manifold: %1</numerusform></translation>
    </message>
</context>
<context>
    <name>manifold::ClientsPage</name>
    <message numerus="yes">
        <location filename="../app/tray/clientspage.cpp" line="342"/>
        <source>%n file(s) changed.</source>
        <translation><numerusform>%n file changed.</numerusform><numerusform>%n files changed.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/tray/clientspage.cpp" line="344"/>
        <source>%n error(s): %1</source>
        <translation><numerusform>%n error: %1</numerusform><numerusform>%n errors: %1</numerusform></translation>
    </message>
</context>
<context>
    <name>manifold::MainWindow</name>
    <message numerus="yes">
        <location filename="../app/tray/mainwindow.cpp" line="476"/>
        <source>%n connected session(s) will be disconnected.</source>
        <translation>
            <numerusform>%n connected session will be disconnected.</numerusform>
            <numerusform>%n connected sessions will be disconnected.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>manifold::ServerDialog</name>
    <message numerus="yes">
        <location filename="../app/tray/serverdialog.cpp" line="388"/>
        <source>%1 started and lists %n tool(s).</source>
        <translation>
            <numerusform>%1 started and lists %n tool.</numerusform>
            <numerusform>%1 started and lists %n tools.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>manifold::TrayApp</name>
    <message numerus="yes">
        <location filename="../app/tray/trayapp.cpp" line="103"/>
        <source>%n client session(s) are connected. Quitting stops every server and disconnects them.
Quit anyway?</source>
        <translation>
            <numerusform>%n client session is connected. Quitting stops every server and disconnects it.
Quit anyway?</numerusform>
            <numerusform>%n client sessions are connected. Quitting stops every server and disconnects them.
Quit anyway?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>manifold::TrayIcon</name>
    <message numerus="yes">
        <location filename="../app/tray/trayicon.cpp" line="65"/>
        <source>%1 — %2 (%n session(s))</source>
        <extracomment>Tray menu entry for a server: name — state (session count)</extracomment>
        <translation>
            <numerusform>%1 — %2 (%n session)</numerusform>
            <numerusform>%1 — %2 (%n sessions)</numerusform>
        </translation>
    </message>
</context>
</TS>
