<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>manifold::LogModel</name>
    <message>
        <source>%1  [broker] %2</source>
        <translation>%1  [Broker] %2</translation>
    </message>
</context>
<context>
    <name>manifold::MainWindow</name>
    <message>
        <source>Servers</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Manifold</source>
        <translation>Manifold</translation>
    </message>
    <message>
        <source>Se&amp;ssions</source>
        <translation>Si&amp;tzungen</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Warteschlange</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Protokoll</translation>
    </message>
    <message>
        <source>Se&amp;ttings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Start the selected server</source>
        <translation>Den ausgewählten Server starten</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>Sto&amp;ppen</translation>
    </message>
    <message>
        <source>Stop the selected server gracefully</source>
        <translation>Den ausgewählten Server geordnet beenden</translation>
    </message>
    <message>
        <source>&amp;Restart</source>
        <translation>&amp;Neu starten</translation>
    </message>
    <message>
        <source>Restart the selected server (F5)</source>
        <translation>Den ausgewählten Server neu starten (F5)</translation>
    </message>
    <message>
        <source>&amp;Kill</source>
        <translation>&amp;Abwürgen</translation>
    </message>
    <message>
        <source>Kill the selected server's processes at once</source>
        <translation>Die Prozesse des ausgewählten Servers sofort beenden</translation>
    </message>
    <message>
        <source>&amp;Add Server…</source>
        <translation>Server &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Add a server (Ctrl+N)</source>
        <translation>Einen Server hinzufügen (Strg+N)</translation>
    </message>
    <message>
        <source>Re&amp;move Server</source>
        <translation>Server &amp;entfernen</translation>
    </message>
    <message>
        <source>Remove the selected server (Delete)</source>
        <translation>Den ausgewählten Server entfernen (Entf)</translation>
    </message>
    <message>
        <source>&amp;Disconnect Session</source>
        <translation>Sitzung &amp;trennen</translation>
    </message>
    <message>
        <source>Disconnect the selected client session</source>
        <translation>Die ausgewählte Client-Sitzung trennen</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Find in Log</source>
        <translation>Im Protokoll &amp;suchen</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>Server Actions</source>
        <translation>Server-Aktionen</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Search the log (Ctrl+F)</source>
        <translation>Protokoll durchsuchen (Strg+F)</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>Protokoll durchsuchen</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>&amp;Suchen:</translation>
    </message>
    <message>
        <source>Not connected to the broker.</source>
        <translation>Nicht mit dem Broker verbunden.</translation>
    </message>
    <message>
        <source>Add Server</source>
        <translation>Server hinzufügen</translation>
    </message>
    <message>
        <source>Could not add "%1": %2</source>
        <translation>„%1“ konnte nicht hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>Remove the server "%1"? Its process is stopped.</source>
        <translation>Den Server „%1“ entfernen? Sein Prozess wird beendet.</translation>
    </message>
    <message numerus="yes">
        <source>%n connected session(s) will be disconnected.</source>
        <translation><numerusform>%n verbundene Sitzung wird getrennt.</numerusform><numerusform>%n verbundene Sitzungen werden getrennt.</numerusform></translation>
    </message>
    <message>
        <source>Remove Server</source>
        <translation>Server entfernen</translation>
    </message>
</context>
<context>
    <name>manifold::McpProbe</name>
    <message>
        <source>The server answered with an error: %1</source>
        <translation>Der Server hat mit einem Fehler geantwortet: %1</translation>
    </message>
    <message>
        <source>The command could not be started: %1</source>
        <translation>Der Befehl konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>The server exited with code %1 before listing its tools.</source>
        <translation>Der Server hat sich mit Code %1 beendet, bevor er seine Werkzeuge aufgelistet hat.</translation>
    </message>
    <message>
        <source>The server did not list its tools in time.</source>
        <translation>Der Server hat seine Werkzeuge nicht rechtzeitig aufgelistet.</translation>
    </message>
</context>
<context>
    <name>manifold::ModelFormat</name>
    <message>
        <source>%1s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1m %2s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1h %2m</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1d %2h</source>
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
</context>
<context>
    <name>manifold::QueueTableModel</name>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>in flight</source>
        <translation>in Bearbeitung</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>Instance: %1</source>
        <translation>Instanz: %1</translation>
    </message>
</context>
<context>
    <name>manifold::ServerDialog</name>
    <message>
        <source>&amp;Test Start</source>
        <translation>&amp;Test-Start</translation>
    </message>
    <message>
        <source>Edit Server</source>
        <translation>Server bearbeiten</translation>
    </message>
    <message>
        <source>Add Server</source>
        <translation>Server hinzufügen</translation>
    </message>
    <message>
        <source>e.g. memory</source>
        <translation>z. B. memory</translation>
    </message>
    <message>
        <source>Letters, digits, '.', '_' and '-'; the name clients pass to manifold-shim.</source>
        <translation>Buchstaben, Ziffern, „.“, „_“ und „-“; der Name, den Clients an manifold-shim übergeben.</translation>
    </message>
    <message>
        <source>e.g. npx</source>
        <translation>z. B. npx</translation>
    </message>
    <message>
        <source>e.g. -y @modelcontextprotocol/server-memory</source>
        <translation>z. B. -y @modelcontextprotocol/server-memory</translation>
    </message>
    <message>
        <source>Broker's working directory</source>
        <translation>Arbeitsverzeichnis des Brokers</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Variable</source>
        <translation>Variable</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Add &amp;Variable</source>
        <translation>&amp;Variable hinzufügen</translation>
    </message>
    <message>
        <source>Remove Variable</source>
        <translation>Variable entfernen</translation>
    </message>
    <message>
        <source>Shared: one process for every client</source>
        <translation>Geteilt: ein Prozess für alle Clients</translation>
    </message>
    <message>
        <source>Per client application</source>
        <translation>Pro Client-Anwendung</translation>
    </message>
    <message>
        <source>Isolated: one process per session</source>
        <translation>Isoliert: ein Prozess pro Sitzung</translation>
    </message>
    <message>
        <source>Keep running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>&amp;Befehl:</translation>
    </message>
    <message>
        <source>&amp;Arguments:</source>
        <translation>&amp;Argumente:</translation>
    </message>
    <message>
        <source>&amp;Working directory:</source>
        <translation>A&amp;rbeitsverzeichnis:</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>&amp;Sharing:</source>
        <translation>&amp;Teilen:</translation>
    </message>
    <message>
        <source>&amp;Linger after last client:</source>
        <translation>&amp;Nachlaufzeit nach dem letzten Client:</translation>
    </message>
    <message>
        <source>&amp;In-flight limit:</source>
        <translation>&amp;Gleichzeitige Anfragen:</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Werkzeuge</translation>
    </message>
    <message>
        <source>Enter a name.</source>
        <translation>Geben Sie einen Namen ein.</translation>
    </message>
    <message>
        <source>A name may hold letters, digits, '.', '_' and '-', must not start with '.' or '-' and has at most 64 characters.</source>
        <translation>Ein Name darf Buchstaben, Ziffern, „.“, „_“ und „-“ enthalten, nicht mit „.“ oder „-“ beginnen und höchstens 64 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>A server named "%1" already exists.</source>
        <translation>Ein Server namens „%1“ existiert bereits.</translation>
    </message>
    <message>
        <source>Enter the command that starts the server.</source>
        <translation>Geben Sie den Befehl ein, der den Server startet.</translation>
    </message>
    <message>
        <source>"%1" is not an executable file and was not found on the PATH.</source>
        <translation>„%1“ ist keine ausführbare Datei und wurde nicht im PATH gefunden.</translation>
    </message>
    <message>
        <source>Choose the Server Command</source>
        <translation>Server-Befehl auswählen</translation>
    </message>
    <message>
        <source>Test cancelled.</source>
        <translation>Test abgebrochen.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Cancel &amp;Test</source>
        <translation>&amp;Test abbrechen</translation>
    </message>
    <message>
        <source>The server</source>
        <translation>Der Server</translation>
    </message>
    <message numerus="yes">
        <source>%1 started and lists %n tool(s).</source>
        <translation><numerusform>%1 wurde gestartet und bietet %n Werkzeug an.</numerusform><numerusform>%1 wurde gestartet und bietet %n Werkzeuge an.</numerusform></translation>
    </message>
</context>
<context>
    <name>manifold::ServerSettingsPage</name>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Übernehmen</translation>
    </message>
    <message>
        <source>Variable</source>
        <translation>Variable</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Shared: one process for every client</source>
        <translation>Geteilt: ein Prozess für alle Clients</translation>
    </message>
    <message>
        <source>Per client application</source>
        <translation>Pro Client-Anwendung</translation>
    </message>
    <message>
        <source>Isolated: one process per session</source>
        <translation>Isoliert: ein Prozess pro Sitzung</translation>
    </message>
    <message>
        <source>Keep running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <source>Command:</source>
        <translation>Befehl:</translation>
    </message>
    <message>
        <source>Arguments:</source>
        <translation>Argumente:</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>Umgebung:</translation>
    </message>
    <message>
        <source>&amp;Sharing:</source>
        <translation>&amp;Teilen:</translation>
    </message>
    <message>
        <source>&amp;Linger after last client:</source>
        <translation>&amp;Nachlaufzeit nach dem letzten Client:</translation>
    </message>
    <message>
        <source>&amp;In-flight limit:</source>
        <translation>&amp;Gleichzeitige Anfragen:</translation>
    </message>
    <message>
        <source>hidden value</source>
        <translation>verborgener Wert</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Reveal %1</source>
        <translation>%1 anzeigen</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Verbergen</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
</context>
<context>
    <name>manifold::ServerTableModel</name>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>restarting</source>
        <translation>startet neu</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>wird beendet</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>In flight</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>Neustarts</translation>
    </message>
    <message>
        <source>Last heartbeat</source>
        <translation>Letzter Heartbeat</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>%1 (unresponsive)</source>
        <translation>%1 (reagiert nicht)</translation>
    </message>
    <message>
        <source>The server does not answer pings.</source>
        <translation>Der Server beantwortet keine Pings.</translation>
    </message>
    <message>
        <source>Last exit: %1</source>
        <translation>Letztes Ende: %1</translation>
    </message>
    <message>
        <source>%1 KiB resident, the server and its child processes</source>
        <translation>%1 KiB belegt, der Server und seine Kindprozesse</translation>
    </message>
</context>
<context>
    <name>manifold::SessionTableModel</name>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Shim PID</source>
        <translation>Shim-PID</translation>
    </message>
    <message>
        <source>Client process</source>
        <translation>Client-Prozess</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Verbunden seit</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Letzte Aktivität</translation>
    </message>
    <message>
        <source>MCP protocol %1</source>
        <translation>MCP-Protokoll %1</translation>
    </message>
    <message>
        <source>Working directory: %1</source>
        <translation>Arbeitsverzeichnis: %1</translation>
    </message>
</context>
<context>
    <name>manifold::SettingsDialog</name>
    <message>
        <source>&amp;Start Manifold when I log in</source>
        <translation>Manifold bei der &amp;Anmeldung starten</translation>
    </message>
    <message>
        <source>Manifold Settings</source>
        <translation>Manifold-Einstellungen</translation>
    </message>
    <message>
        <source>Keep running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long a server keeps running after its last client disconnects.</source>
        <translation>Wie lange ein Server weiterläuft, nachdem sich sein letzter Client getrennt hat.</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>How often an idle server is pinged to check that it still answers.</source>
        <translation>Wie oft ein untätiger Server angepingt wird, um zu prüfen, ob er noch antwortet.</translation>
    </message>
    <message>
        <source>Default &amp;linger for new servers:</source>
        <translation>Standard-&amp;Nachlaufzeit für neue Server:</translation>
    </message>
    <message>
        <source>Default &amp;heartbeat interval:</source>
        <translation>Standard-&amp;Heartbeat-Intervall:</translation>
    </message>
    <message>
        <source>Start on Login</source>
        <translation>Bei Anmeldung starten</translation>
    </message>
    <message>
        <source>Could not change the login item: %1</source>
        <translation>Der Anmeldeeintrag konnte nicht geändert werden: %1</translation>
    </message>
</context>
<context>
    <name>manifold::StateColors</name>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>restarting</source>
        <translation>startet neu</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>wird beendet</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>unresponsive</source>
        <translation>reagiert nicht</translation>
    </message>
</context>
<context>
    <name>manifold::TrayApp</name>
    <message>
        <source>Quit Manifold</source>
        <translation>Manifold beenden</translation>
    </message>
    <message numerus="yes">
        <source>%n client session(s) are connected. Quitting stops every server and disconnects them.
Quit anyway?</source>
        <translation><numerusform>%n Client-Sitzung ist verbunden. Beim Beenden werden alle Server gestoppt und die Sitzung getrennt.
Trotzdem beenden?</numerusform><numerusform>%n Client-Sitzungen sind verbunden. Beim Beenden werden alle Server gestoppt und die Sitzungen getrennt.
Trotzdem beenden?</numerusform></translation>
    </message>
</context>
<context>
    <name>manifold::TrayIcon</name>
    <message>
        <source>&amp;Open Manifold</source>
        <translation>Manifold ö&amp;ffnen</translation>
    </message>
    <message>
        <source>&amp;Pause (Stop All Servers)</source>
        <translation>&amp;Pause (alle Server stoppen)</translation>
    </message>
    <message>
        <source>&amp;Quit Manifold</source>
        <translation>Manifold &amp;beenden</translation>
    </message>
    <message>
        <source>Manifold</source>
        <translation>Manifold</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %2 (%n session(s))</source>
        <extracomment>Tray menu entry for a server: name — state (session count)</extracomment>
        <translation><numerusform>%1 — %2 (%n Sitzung)</numerusform><numerusform>%1 — %2 (%n Sitzungen)</numerusform></translation>
    </message>
    <message>
        <source>No servers configured</source>
        <translation>Keine Server eingerichtet</translation>
    </message>
    <message>
        <source>&amp;Restart</source>
        <translation>&amp;Neu starten</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Stoppen</translation>
    </message>
    <message>
        <source>Manifold: all servers fine</source>
        <translation>Manifold: alle Server in Ordnung</translation>
    </message>
    <message>
        <source>Manifold: a server is restarting or not responding</source>
        <translation>Manifold: ein Server startet neu oder reagiert nicht</translation>
    </message>
    <message>
        <source>Manifold: a server has failed</source>
        <translation>Manifold: ein Server ist ausgefallen</translation>
    </message>
    <message>
        <source>It left no error output.</source>
        <translation>Er hat keine Fehlerausgabe hinterlassen.</translation>
    </message>
    <message>
        <source>Server "%1" failed</source>
        <translation>Server „%1“ ist ausgefallen</translation>
    </message>
</context>
</TS>
