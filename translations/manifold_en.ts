<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>manifold::MainWindow</name>
    <message numerus="yes">
        <source>%n connected session(s) will be disconnected.</source>
        <translation><numerusform>%n connected session will be disconnected.</numerusform><numerusform>%n connected sessions will be disconnected.</numerusform></translation>
    </message>
</context>
<context>
    <name>manifold::ServerDialog</name>
    <message numerus="yes">
        <source>%1 started and lists %n tool(s).</source>
        <translation><numerusform>%1 started and lists %n tool.</numerusform><numerusform>%1 started and lists %n tools.</numerusform></translation>
    </message>
</context>
<context>
    <name>manifold::TrayApp</name>
    <message numerus="yes">
        <source>%n client session(s) are connected. Quitting stops every server and disconnects them.
Quit anyway?</source>
        <translation><numerusform>%n client session is connected. Quitting stops every server and disconnects it.
Quit anyway?</numerusform><numerusform>%n client sessions are connected. Quitting stops every server and disconnects them.
Quit anyway?</numerusform></translation>
    </message>
</context>
<context>
    <name>manifold::TrayIcon</name>
    <message numerus="yes">
        <source>%1 — %2 (%n session(s))</source>
        <extracomment>Tray menu entry for a server: name — state (session count)</extracomment>
        <translation><numerusform>%1 — %2 (%n session)</numerusform><numerusform>%1 — %2 (%n sessions)</numerusform></translation>
    </message>
</context>
</TS>
