<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>UnreadLimitBox</name>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>How much may wait for a client that stops reading before Manifold disconnects it, so that it cannot use up memory or slow the server&apos;s other clients. Default: the value in Preferences (64 MiB unless changed).</source>
        <translation>Wie viel für einen Client warten darf, der nicht mehr liest, bevor Manifold ihn trennt, damit er weder den Speicher aufbraucht noch die anderen Clients des Servers bremst. Standard: der Wert in den Einstellungen (64 MiB, sofern nicht geändert).</translation>
    </message>
</context>
<context>
    <name>manifold::AboutDialog</name>
    <message>
        <source>About Manifold</source>
        <translation>Über Manifold</translation>
    </message>
    <message>
        <source>One running process per MCP server, shared by every MCP client on this computer.</source>
        <translation>Ein laufender Prozess pro MCP-Server, gemeinsam genutzt von allen MCP-Clients auf diesem Computer.</translation>
    </message>
    <message>
        <source>Built with Qt %1, running on Qt %2.</source>
        <translation>Erstellt mit Qt %1, läuft mit Qt %2.</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Not connected to a broker.</source>
        <translation>Nicht mit einem Broker verbunden.</translation>
    </message>
    <message>
        <source>Broker: version %1, process %2, socket %3</source>
        <translation>Broker: Version %1, Prozess %2, Socket %3</translation>
    </message>
    <message>
        <source>The socket was chosen with %1: clients that do not pass it on reach the per-user default broker instead.</source>
        <translation>Der Socket wurde mit %1 gewählt: Clients, die das nicht weitergeben, erreichen stattdessen den Standard-Broker des Benutzers.</translation>
    </message>
    <message>
        <source>Servers file: %1</source>
        <translation>Serverdatei: %1</translation>
    </message>
    <message>
        <source>The running broker is not this window&apos;s version (%1): quit Manifold and start it again to finish the upgrade.</source>
        <translation>Der laufende Broker hat nicht die Version dieses Fensters (%1): Beenden Sie Manifold und starten Sie es erneut, um die Aktualisierung abzuschließen.</translation>
    </message>
</context>
<context>
    <name>manifold::ClientMapModel</name>
    <message>
        <source>Unknown client</source>
        <translation>Unbekannter Client</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>geteilt</translation>
    </message>
    <message>
        <source>Client / server / session</source>
        <translation>Client / Server / Sitzung</translation>
    </message>
    <message>
        <source>Server / instance / session</source>
        <translation>Server / Instanz / Sitzung</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>HTTP</source>
        <translation>HTTP</translation>
    </message>
    <message>
        <source>SSE</source>
        <translation>SSE</translation>
    </message>
    <message>
        <source>shim</source>
        <translation>Shim</translation>
    </message>
    <message>
        <source>Session %1 · %2 · %3</source>
        <extracomment>A session row under a client and server: id, project, transport</extracomment>
        <translation>Sitzung %1 · %2 · %3</translation>
    </message>
    <message>
        <source>%1 · session %2 · %3</source>
        <extracomment>A session row under a server instance: client, id, project</extracomment>
        <translation>%1 · Sitzung %2 · %3</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <extracomment>A client application and its executables: &quot;Cursor (cursor)&quot;</extracomment>
        <translation>%1 (%2)</translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s)</source>
        <translation>
            <numerusform>%n Instanz</numerusform>
            <numerusform>%n Instanzen</numerusform>
        </translation>
    </message>
    <message>
        <source>Client: %1</source>
        <translation>Client: %1</translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <source>Instance: %1</source>
        <translation>Instanz: %1</translation>
    </message>
    <message>
        <source>Transport: %1</source>
        <translation>Transport: %1</translation>
    </message>
    <message>
        <source>Process: %1</source>
        <translation>Prozess: %1</translation>
    </message>
    <message>
        <source>Connected since %1</source>
        <translation>Verbunden seit %1</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s)</source>
        <translation>
            <numerusform>%n Sitzung</numerusform>
            <numerusform>%n Sitzungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Projects: %1</source>
        <translation>Projekte: %1</translation>
    </message>
</context>
<context>
    <name>manifold::ClientMapPage</name>
    <message>
        <source>By client</source>
        <translation>Nach Client</translation>
    </message>
    <message>
        <source>By server</source>
        <translation>Nach Server</translation>
    </message>
    <message>
        <source>Group the list</source>
        <translation>Liste gruppieren</translation>
    </message>
    <message>
        <source>&amp;Group the list:</source>
        <translation>Liste &amp;gruppieren:</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Line width shows</source>
        <translation>Linienbreite zeigt</translation>
    </message>
    <message>
        <source>Line &amp;width shows:</source>
        <translation>&amp;Linienbreite zeigt:</translation>
    </message>
    <message>
        <source>Clients, servers and sessions</source>
        <translation>Clients, Server und Sitzungen</translation>
    </message>
</context>
<context>
    <name>manifold::ClientMapView</name>
    <message>
        <source>Clients and servers map</source>
        <translation>Karte der Clients und Server</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <extracomment>A server instance a client uses: &quot;memory (shared)&quot;</extracomment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 ×%2</source>
        <extracomment>A client of an instance with its number of sessions: &quot;claude-code ×2&quot;</extracomment>
        <translation>%1 ×%2</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s)</source>
        <translation>
            <numerusform>%n Sitzung</numerusform>
            <numerusform>%n Sitzungen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2, uses %3</source>
        <extracomment>A client on the map: name, sessions, the instances it uses</extracomment>
        <translation>%1: %2, nutzt %3</translation>
    </message>
    <message>
        <source>%1 (%2): %3, used by %4</source>
        <extracomment>An instance on the map: server (instance), sessions, its clients</extracomment>
        <translation>%1 (%2): %3, genutzt von %4</translation>
    </message>
    <message>
        <source>No client is connected.</source>
        <translation>Kein Client ist verbunden.</translation>
    </message>
    <message>
        <source>%1 use %2: %3</source>
        <extracomment>The map&apos;s description: &quot;3 client applications&quot; &quot;use&quot; &quot;2 server instances&quot;: details</extracomment>
        <translation>%2, genutzt von %1: %3</translation>
    </message>
    <message numerus="yes">
        <source>%n client application(s)</source>
        <translation>
            <numerusform>%n Client-Anwendung</numerusform>
            <numerusform>%n Client-Anwendungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n server instance(s)</source>
        <translation>
            <numerusform>%n Serverinstanz</numerusform>
            <numerusform>%n Serverinstanzen</numerusform>
        </translation>
    </message>
    <message>
        <source>Selected: %1</source>
        <translation>Ausgewählt: %1</translation>
    </message>
</context>
<context>
    <name>manifold::ClientSetupDialog</name>
    <message>
        <source>imported as “%1”</source>
        <translation>importiert als „%1“</translation>
    </message>
    <message>
        <source>renamed: %1</source>
        <extracomment>An imported entry whose name was taken: the note says which name it got</extracomment>
        <translation>umbenannt: %1</translation>
    </message>
    <message>
        <source>reuses “%1” (%2)</source>
        <translation>verwendet „%1“ (%2)</translation>
    </message>
    <message>
        <source>already runs through Manifold (“%1”)</source>
        <translation>läuft bereits über Manifold („%1“)</translation>
    </message>
    <message>
        <source>already runs through Manifold: %1</source>
        <translation>läuft bereits über Manifold: %1</translation>
    </message>
    <message>
        <source>left alone: %1</source>
        <translation>unverändert: %1</translation>
    </message>
    <message>
        <source>Set Up Clients</source>
        <translation>Clients einrichten</translation>
    </message>
    <message>
        <source>Revert Clients</source>
        <translation>Clients zurücksetzen</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>&amp;Apply Setup</source>
        <translation>Einrichtung &amp;anwenden</translation>
    </message>
    <message>
        <source>&amp;Apply Revert</source>
        <translation>Zurücksetzen &amp;anwenden</translation>
    </message>
    <message>
        <source>Entry</source>
        <translation>Eintrag</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>To the keychain</source>
        <translation>In den Schlüsselbund</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>Entscheidungen</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>New servers</source>
        <translation>Neue Server</translation>
    </message>
    <message>
        <source>not touched: %1</source>
        <translation>unverändert: %1</translation>
    </message>
    <message>
        <source>%1 (now)</source>
        <translation>%1 (jetzt)</translation>
    </message>
    <message>
        <source>%1 (after setup)</source>
        <translation>%1 (nach der Einrichtung)</translation>
    </message>
    <message>
        <source>changes</source>
        <translation>wird geändert</translation>
    </message>
    <message>
        <source>no change</source>
        <translation>keine Änderung</translation>
    </message>
    <message>
        <source>No file changes.</source>
        <translation>Keine Dateiänderungen.</translation>
    </message>
    <message>
        <source>Nothing to change: every selected client is set up already.</source>
        <translation>Nichts zu ändern: Alle ausgewählten Clients sind bereits eingerichtet.</translation>
    </message>
    <message numerus="yes">
        <source>Setup rewrites %n file(s) so their servers run through Manifold.</source>
        <translation>
            <numerusform>Die Einrichtung schreibt %n Datei um, damit ihre Server über Manifold laufen.</numerusform>
            <numerusform>Die Einrichtung schreibt %n Dateien um, damit ihre Server über Manifold laufen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>It adds %n new server(s) to Manifold.</source>
        <translation>
            <numerusform>Sie fügt Manifold %n neuen Server hinzu.</numerusform>
            <numerusform>Sie fügt Manifold %n neue Server hinzu.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n secret value(s) move from the client files to the keychain; the preview shows them as ********.</source>
        <translation>
            <numerusform>%n geheimer Wert wird aus den Client-Dateien in den Schlüsselbund verschoben; die Vorschau zeigt ihn als ********.</numerusform>
            <numerusform>%n geheime Werte werden aus den Client-Dateien in den Schlüsselbund verschoben; die Vorschau zeigt sie als ********.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) cannot be read or parsed and stay untouched.</source>
        <translation>
            <numerusform>%n Datei kann nicht gelesen oder verarbeitet werden und bleibt unverändert.</numerusform>
            <numerusform>%n Dateien können nicht gelesen oder verarbeitet werden und bleiben unverändert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Each file is backed up first; Revert puts it back exactly.</source>
        <translation>Jede Datei wird zuerst gesichert; Zurücksetzen stellt sie exakt wieder her.</translation>
    </message>
    <message>
        <source>&amp;Changes</source>
        <translation>&amp;Änderungen</translation>
    </message>
    <message>
        <source>&amp;Decisions</source>
        <translation>&amp;Entscheidungen</translation>
    </message>
    <message>
        <source>&amp;New servers (%1)</source>
        <translation>&amp;Neue Server (%1)</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>%1 (after revert)</source>
        <translation>%1 (nach dem Zurücksetzen)</translation>
    </message>
    <message>
        <source>restores the original file exactly</source>
        <translation>stellt die ursprüngliche Datei exakt wieder her</translation>
    </message>
    <message>
        <source>restores the entries setup changed</source>
        <translation>stellt die von der Einrichtung geänderten Einträge wieder her</translation>
    </message>
    <message numerus="yes">
        <source>Revert puts back %n file(s) as they were before setup, secrets included.</source>
        <translation>
            <numerusform>Zurücksetzen stellt %n Datei so wieder her, wie sie vor der Einrichtung war, samt Geheimnissen.</numerusform>
            <numerusform>Zurücksetzen stellt %n Dateien so wieder her, wie sie vor der Einrichtung waren, samt Geheimnissen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) cannot be reverted and stay untouched.</source>
        <translation>
            <numerusform>%n Datei kann nicht zurückgesetzt werden und bleibt unverändert.</numerusform>
            <numerusform>%n Dateien können nicht zurückgesetzt werden und bleiben unverändert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>The servers setup added stay in Manifold.</source>
        <translation>Die von der Einrichtung hinzugefügten Server bleiben in Manifold.</translation>
    </message>
    <message>
        <source>&amp;Details</source>
        <translation>&amp;Details</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Wird angewendet…</translation>
    </message>
    <message>
        <source>No file was changed.</source>
        <translation>Es wurde keine Datei geändert.</translation>
    </message>
    <message numerus="yes">
        <source>Changed %n file(s): %1</source>
        <translation>
            <numerusform>%n Datei geändert: %1</numerusform>
            <numerusform>%n Dateien geändert: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n server(s) to Manifold: %1</source>
        <translation>
            <numerusform>%n Server zu Manifold hinzugefügt: %1</numerusform>
            <numerusform>%n Server zu Manifold hinzugefügt: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Quit %1 completely (not just its window) and open it again: it reads its configuration only when it starts.</source>
        <extracomment>%1: client names such as &quot;Claude Desktop&quot;</extracomment>
        <translation>Beenden Sie %1 vollständig (nicht nur das Fenster) und öffnen Sie es erneut: Die Konfiguration wird nur beim Start gelesen.</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>; per-project (%1)</source>
        <extracomment>Appended to a decision: the server runs one instance per project, and why</extracomment>
        <translation>; pro Projekt (%1)</translation>
    </message>
    <message>
        <source>Sharing</source>
        <translation>Teilen</translation>
    </message>
    <message>
        <source>reaches “%1” over HTTP; gets the new token</source>
        <translation>erreicht „%1“ über HTTP; erhält das neue Token</translation>
    </message>
    <message>
        <source>reaches “%1” over HTTP</source>
        <translation>erreicht „%1“ über HTTP</translation>
    </message>
    <message>
        <source>runs “%1” through Manifold; now over HTTP</source>
        <translation>läuft „%1“ über Manifold; jetzt über HTTP</translation>
    </message>
    <message>
        <source>(shim)</source>
        <extracomment>The client cannot take URL servers, so it keeps the shim: the reason follows</extracomment>
        <translation>(Shim)</translation>
    </message>
    <message>
        <source>%1; over HTTP</source>
        <translation>%1; über HTTP</translation>
    </message>
    <message>
        <source>The HTTP front door is off; applying turns it on (%1).</source>
        <translation>Der HTTP-Zugang ist aus; Anwenden schaltet ihn ein (%1).</translation>
    </message>
    <message>
        <source>Clients that take URLs reach it with a token each (%1), made when you apply and shown here as mfd_********.</source>
        <translation>Clients, die URLs unterstützen, erreichen ihn mit je einem eigenen Token (%1), das beim Anwenden erzeugt und hier als mfd_******** angezeigt wird.</translation>
    </message>
    <message>
        <source>The HTTP tokens setup made are revoked: %1.</source>
        <translation>Die von der Einrichtung erzeugten HTTP-Token werden widerrufen: %1.</translation>
    </message>
    <message>
        <source>imported as remote server “%1” (%2)</source>
        <extracomment>A URL entry (or mcp-remote command) that becomes a remote Manifold server</extracomment>
        <translation>als entfernter Server „%1“ übernommen (%2)</translation>
    </message>
    <message>
        <source>reuses remote server “%1” (%2)</source>
        <translation>nutzt den entfernten Server „%1“ (%2)</translation>
    </message>
    <message>
        <source>left alone: remote server (%1): %2</source>
        <translation>unverändert gelassen: entfernter Server (%1): %2</translation>
    </message>
</context>
<context>
    <name>manifold::ClientTableModel</name>
    <message>
        <source>Local (stdio) servers Manifold can take over</source>
        <translation>Lokale (stdio-)Server, die Manifold übernehmen kann</translation>
    </message>
    <message>
        <source>Servers that already run through Manifold</source>
        <translation>Server, die bereits über Manifold laufen</translation>
    </message>
    <message>
        <source>Remote (URL) servers, left as they are</source>
        <translation>Entfernte (URL-)Server, sie bleiben unverändert</translation>
    </message>
    <message>
        <source>Servers left as they are for another reason</source>
        <translation>Server, die aus einem anderen Grund unverändert bleiben</translation>
    </message>
    <message>
        <source>Whether setup changed this file and can put it back</source>
        <translation>Ob die Einrichtung diese Datei geändert hat und sie wiederherstellen kann</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Lokal</translation>
    </message>
    <message>
        <source>Manifold</source>
        <translation>Manifold</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Entfernt</translation>
    </message>
    <message>
        <source>Unsupported</source>
        <translation>Nicht unterstützt</translation>
    </message>
    <message>
        <source>Revertible</source>
        <translation>Rücksetzbar</translation>
    </message>
    <message>
        <source>Config file</source>
        <translation>Konfigurationsdatei</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>defekt</translation>
    </message>
    <message>
        <source>no servers</source>
        <translation>keine Server</translation>
    </message>
    <message>
        <source>not set up</source>
        <translation>nicht eingerichtet</translation>
    </message>
    <message>
        <source>set up</source>
        <translation>eingerichtet</translation>
    </message>
    <message>
        <source>partly set up</source>
        <translation>teilweise eingerichtet</translation>
    </message>
    <message>
        <source>project %1</source>
        <translation>Projekt %1</translation>
    </message>
    <message>
        <source>user</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>broken: %1</source>
        <extracomment>State of a config file that does not parse: broken: why</extracomment>
        <translation>defekt: %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>Does not parse, so setup leaves it untouched: %1</source>
        <translation>Nicht lesbar, daher lässt die Einrichtung sie unverändert: %1</translation>
    </message>
    <message>
        <source>The client is installed but has no config file here.</source>
        <translation>Der Client ist installiert, hat hier aber keine Konfigurationsdatei.</translation>
    </message>
    <message>
        <source>The client does not seem to be installed.</source>
        <translation>Der Client scheint nicht installiert zu sein.</translation>
    </message>
</context>
<context>
    <name>manifold::ClientsPage</name>
    <message>
        <source>Add &amp;Project Folder…</source>
        <translation>&amp;Projektordner hinzufügen…</translation>
    </message>
    <message>
        <source>Show all c&amp;lients</source>
        <translation>Alle C&amp;lients anzeigen</translation>
    </message>
    <message>
        <source>Set &amp;Up Selected…</source>
        <translation>Auswahl &amp;einrichten…</translation>
    </message>
    <message>
        <source>Set Up &amp;All…</source>
        <translation>&amp;Alle einrichten…</translation>
    </message>
    <message>
        <source>&amp;Revert Selected…</source>
        <translation>Auswahl &amp;zurücksetzen…</translation>
    </message>
    <message>
        <source>Re&amp;vert All…</source>
        <translation>Alle zu&amp;rücksetzen…</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>Manifold can take over the local MCP servers of your AI clients, so that every client shares one process per server. Setup backs up each file and changes only its server entries; Revert puts the files back as they were.</source>
        <translation>Manifold kann die lokalen MCP-Server Ihrer KI-Clients übernehmen, sodass sich alle Clients einen Prozess pro Server teilen. Die Einrichtung sichert jede Datei und ändert nur ihre Server-Einträge; Zurücksetzen stellt die Dateien so wieder her, wie sie waren.</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
    <message>
        <source>Also list and set up the project config files of a folder (.mcp.json, .cursor/mcp.json, .vscode/mcp.json…)</source>
        <translation>Auch die Projekt-Konfigurationsdateien eines Ordners auflisten und einrichten (.mcp.json, .cursor/mcp.json, .vscode/mcp.json…)</translation>
    </message>
    <message>
        <source>e.g. ACCOUNT_ID, API_BASE</source>
        <translation>z. B. ACCOUNT_ID, API_BASE</translation>
    </message>
    <message>
        <source>Comma-separated environment variable names whose values go to the keychain. Names containing KEY, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL always do.</source>
        <translation>Kommagetrennte Namen von Umgebungsvariablen, deren Werte in den Schlüsselbund kommen. Für Namen mit KEY, TOKEN, SECRET, PASSWORD, PASSWD oder CREDENTIAL gilt das immer.</translation>
    </message>
    <message>
        <source>Also list clients that do not seem to be installed</source>
        <translation>Auch Clients auflisten, die nicht installiert zu sein scheinen</translation>
    </message>
    <message>
        <source>Preview and apply setup for the clients of the selected rows</source>
        <translation>Einrichtung für die Clients der ausgewählten Zeilen ansehen und anwenden</translation>
    </message>
    <message>
        <source>Preview and apply setup for every client</source>
        <translation>Einrichtung für alle Clients ansehen und anwenden</translation>
    </message>
    <message>
        <source>Preview and put back the files of the selected clients</source>
        <translation>Wiederherstellung der Dateien der ausgewählten Clients ansehen und anwenden</translation>
    </message>
    <message>
        <source>Preview and put back every file setup changed</source>
        <translation>Wiederherstellung aller von der Einrichtung geänderten Dateien ansehen und anwenden</translation>
    </message>
    <message>
        <source>Also treat as &amp;secret:</source>
        <translation>Auch als &amp;geheim behandeln:</translation>
    </message>
    <message>
        <source>Add Project Folder</source>
        <translation>Projektordner hinzufügen</translation>
    </message>
    <message>
        <source>Reading the client files…</source>
        <translation>Client-Dateien werden gelesen…</translation>
    </message>
    <message>
        <source>Reading the client files and their backups…</source>
        <translation>Client-Dateien und ihre Sicherungen werden gelesen…</translation>
    </message>
    <message>
        <source>Cannot prepare the setup: %1</source>
        <translation>Die Einrichtung kann nicht vorbereitet werden: %1</translation>
    </message>
    <message>
        <source>Nothing to set up: the selected clients have no local servers left to take over.</source>
        <translation>Nichts einzurichten: Die ausgewählten Clients haben keine lokalen Server mehr, die übernommen werden können.</translation>
    </message>
    <message>
        <source>Nothing to revert: setup has not changed the selected clients.</source>
        <translation>Nichts zurückzusetzen: Die Einrichtung hat die ausgewählten Clients nicht geändert.</translation>
    </message>
    <message>
        <source>Cannot prepare the revert: %1</source>
        <translation>Das Zurücksetzen kann nicht vorbereitet werden: %1</translation>
    </message>
    <message>
        <source>Setting up the clients…</source>
        <translation>Clients werden eingerichtet…</translation>
    </message>
    <message>
        <source>Reverting the clients…</source>
        <translation>Clients werden zurückgesetzt…</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) changed.</source>
        <translation>
            <numerusform>%n Datei geändert.</numerusform>
            <numerusform>%n Dateien geändert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s): %1</source>
        <translation>
            <numerusform>%n Fehler: %1</numerusform>
            <numerusform>%n Fehler: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Restart %1 to pick up the change.</source>
        <translation>Starten Sie %1 neu, damit die Änderung wirksam wird.</translation>
    </message>
    <message>
        <source>Project folders: none yet. Add one to set up its project config files too; folders set up once are remembered.</source>
        <translation>Projektordner: noch keine. Fügen Sie einen hinzu, um auch seine Projekt-Konfigurationsdateien einzurichten; einmal eingerichtete Ordner werden gemerkt.</translation>
    </message>
    <message>
        <source>Project folders: %1</source>
        <translation>Projektordner: %1</translation>
    </message>
    <message>
        <source>the shim (every client)</source>
        <translation>den Shim (jeder Client)</translation>
    </message>
    <message>
        <source>HTTP (clients that support URLs)</source>
        <translation>HTTP (Clients, die URLs unterstützen)</translation>
    </message>
    <message>
        <source>HTTP: Claude Code, VS Code, Cursor, Windsurf, Gemini CLI, Codex and opencode reach Manifold&apos;s HTTP front door (turned on if it is off), each with a token of its own written only into its config. Other clients, such as Claude Desktop, keep the shim.</source>
        <translation>HTTP: Claude Code, VS Code, Cursor, Windsurf, Gemini CLI, Codex und opencode erreichen den HTTP-Zugang von Manifold (er wird eingeschaltet, falls er aus ist), jeder mit einem eigenen Token, das nur in seine Konfiguration geschrieben wird. Andere Clients wie Claude Desktop behalten den Shim.</translation>
    </message>
    <message>
        <source>Connect &amp;through:</source>
        <translation>Verbinden &amp;über:</translation>
    </message>
</context>
<context>
    <name>manifold::DashboardPage</name>
    <message>
        <source>No servers configured. Add one on the Servers page.</source>
        <translation>Keine Server eingerichtet. Fügen Sie auf der Seite „Server“ einen hinzu.</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
</context>
<context>
    <name>manifold::HealthNotifier</name>
    <message>
        <source>&quot;%1&quot; is slow</source>
        <translation>„%1“ ist langsam</translation>
    </message>
    <message>
        <source>Half its calls wait over %1 ms; the slowest 5% over %2 ms.</source>
        <translation>Die Hälfte seiner Aufrufe wartet über %1 ms, die langsamsten 5 % über %2 ms.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; keeps failing calls</source>
        <translation>Bei „%1“ schlagen immer wieder Aufrufe fehl</translation>
    </message>
    <message>
        <source>%1 of %2 calls in the last minute were errors.</source>
        <translation>%1 von %2 Aufrufen in der letzten Minute waren Fehler.</translation>
    </message>
    <message>
        <source>Sign in to &quot;%1&quot;</source>
        <translation>Bei „%1“ anmelden</translation>
    </message>
    <message>
        <source>A browser window was opened to sign in. Every client uses this one sign-in.</source>
        <translation>Zum Anmelden wurde ein Browserfenster geöffnet. Alle Clients nutzen diese eine Anmeldung.</translation>
    </message>
    <message>
        <source>%1
Use &quot;Sign In&quot; in the Manifold menu.</source>
        <translation>%1
Verwenden Sie „Anmelden“ im Manifold-Menü.</translation>
    </message>
    <message>
        <source>It left no error output.</source>
        <translation>Er hat keine Fehlerausgabe hinterlassen.</translation>
    </message>
    <message>
        <source>Server &quot;%1&quot; failed</source>
        <translation>Server „%1“ ist ausgefallen</translation>
    </message>
    <message>
        <source>A client of &quot;%1&quot; stopped reading; disconnected</source>
        <translation>Ein Client von „%1“ hat aufgehört zu lesen und wurde getrennt</translation>
    </message>
    <message numerus="yes">
        <source>%1; %n more problem(s)</source>
        <translation>
            <numerusform>%1; %n weiteres Problem</numerusform>
            <numerusform>%1; %n weitere Probleme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1; %n more server(s) need attention</source>
        <translation>
            <numerusform>%1; %n weiterer Server braucht Aufmerksamkeit</numerusform>
            <numerusform>%1; %n weitere Server brauchen Aufmerksamkeit</numerusform>
        </translation>
    </message>
    <message>
        <source>Manifold: servers need attention</source>
        <translation>Manifold: Server brauchen Aufmerksamkeit</translation>
    </message>
</context>
<context>
    <name>manifold::HttpFrontDoorPage</name>
    <message>
        <source>&amp;Serve the MCP servers over HTTP</source>
        <translation>MCP-Server über HTTP &amp;bereitstellen</translation>
    </message>
    <message>
        <source>Accept requests &amp;without a token (loopback only)</source>
        <translation>Anfragen &amp;ohne Token annehmen (nur Loopback)</translation>
    </message>
    <message>
        <source>Behind my reverse &amp;proxy (it terminates TLS)</source>
        <translation>Hinter meinem Reverse-&amp;Proxy (er übernimmt TLS)</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Übernehmen</translation>
    </message>
    <message>
        <source>Clients that speak HTTP reach each server at http://ADDRESS:PORT/mcp/NAME (and the older /sse/NAME), sharing its process with the shim&apos;s clients.</source>
        <translation>Clients, die HTTP sprechen, erreichen jeden Server unter http://ADRESSE:PORT/mcp/NAME (und dem älteren /sse/NAME) und teilen sich seinen Prozess mit den Clients des Shims.</translation>
    </message>
    <message>
        <source>The IP address to listen on: 127.0.0.1 or ::1 for this computer only.</source>
        <translation>Die IP-Adresse, auf der gelauscht wird: 127.0.0.1 oder ::1 nur für diesen Computer.</translation>
    </message>
    <message>
        <source>Without a token every user and program on this computer can reach your MCP servers.</source>
        <translation>Ohne Token kann jeder Benutzer und jedes Programm auf diesem Computer Ihre MCP-Server erreichen.</translation>
    </message>
    <message>
        <source>Every user of this computer, and every program they run, can then reach your MCP servers and act with their permissions.</source>
        <translation>Jeder Benutzer dieses Computers und jedes Programm, das er ausführt, kann dann Ihre MCP-Server erreichen und mit deren Berechtigungen handeln.</translation>
    </message>
    <message>
        <source>PEM file: the certificate, then any intermediates</source>
        <translation>PEM-Datei: das Zertifikat, danach etwaige Zwischenzertifikate</translation>
    </message>
    <message>
        <source>PEM file: its private key, not encrypted</source>
        <translation>PEM-Datei: sein privater Schlüssel, unverschlüsselt</translation>
    </message>
    <message>
        <source>Plain HTTP on this address, for a reverse proxy of yours that serves HTTPS in front of it.</source>
        <translation>Einfaches HTTP auf dieser Adresse, für einen eigenen Reverse-Proxy davor, der HTTPS anbietet.</translation>
    </message>
    <message>
        <source>Front door state</source>
        <translation>Zustand des HTTP-Zugangs</translation>
    </message>
    <message>
        <source>An address other than loopback needs a TLS certificate and key, or a reverse proxy of yours in front that terminates TLS.</source>
        <translation>Eine andere Adresse als Loopback braucht ein TLS-Zertifikat mit Schlüssel oder einen eigenen Reverse-Proxy davor, der TLS übernimmt.</translation>
    </message>
    <message>
        <source>A&amp;ddress:</source>
        <translation>A&amp;dresse:</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>Zustand:</translation>
    </message>
    <message>
        <source>TLS &amp;certificate:</source>
        <translation>TLS-&amp;Zertifikat:</translation>
    </message>
    <message>
        <source>TLS Certificate</source>
        <translation>TLS-Zertifikat</translation>
    </message>
    <message>
        <source>TLS private &amp;key:</source>
        <translation>Privater TLS-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>TLS Private Key</source>
        <translation>Privater TLS-Schlüssel</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Browse for %1</source>
        <translation>%1 auswählen</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt *.cer *.key);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The broker did not tell the front door&apos;s state: %1</source>
        <translation>Der Broker hat den Zustand des HTTP-Zugangs nicht mitgeteilt: %1</translation>
    </message>
    <message>
        <source>“%1” is not an IP address. Use 127.0.0.1 to serve this computer only.</source>
        <translation>„%1“ ist keine IP-Adresse. Verwenden Sie 127.0.0.1, um nur diesen Computer zu bedienen.</translation>
    </message>
    <message>
        <source>Requests without a token are accepted only on a loopback address (127.0.0.1 or ::1).</source>
        <translation>Anfragen ohne Token werden nur auf einer Loopback-Adresse (127.0.0.1 oder ::1) angenommen.</translation>
    </message>
    <message>
        <source>Give both the TLS certificate and its private key, or neither.</source>
        <translation>Geben Sie das TLS-Zertifikat und seinen privaten Schlüssel an, oder keines von beiden.</translation>
    </message>
    <message>
        <source>Cannot read the certificate file “%1”.</source>
        <translation>Die Zertifikatsdatei „%1“ kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Cannot read the private key file “%1”.</source>
        <translation>Die Schlüsseldatei „%1“ kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>On %1 the tokens would cross the network in clear: give a TLS certificate and key, or tick “Behind my reverse proxy” if a proxy of yours in front terminates TLS.</source>
        <translation>Auf %1 würden die Token unverschlüsselt durch das Netz gehen: Geben Sie ein TLS-Zertifikat mit Schlüssel an, oder kreuzen Sie „Hinter meinem Reverse-Proxy“ an, wenn ein eigener Proxy davor TLS übernimmt.</translation>
    </message>
    <message>
        <source>The broker refused the change.</source>
        <translation>Der Broker hat die Änderung abgelehnt.</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Wird angewendet…</translation>
    </message>
    <message>
        <source>No broker is running.</source>
        <translation>Es läuft kein Broker.</translation>
    </message>
    <message>
        <source>Asking the broker…</source>
        <translation>Der Broker wird gefragt…</translation>
    </message>
    <message>
        <source>Listening at %1</source>
        <translation>Lauscht unter %1</translation>
    </message>
    <message>
        <source>Not listening.</source>
        <translation>Lauscht nicht.</translation>
    </message>
    <message>
        <source>Not listening: %1</source>
        <translation>Lauscht nicht: %1</translation>
    </message>
    <message>
        <source>Off: clients reach the servers through manifold-shim only.</source>
        <translation>Aus: Clients erreichen die Server nur über manifold-shim.</translation>
    </message>
</context>
<context>
    <name>manifold::HttpTokensBox</name>
    <message>
        <source>Tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Add &amp;Token…</source>
        <translation>&amp;Token hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Revoke…</source>
        <translation>&amp;Widerrufen…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Make a token for one client; its secret is shown once</source>
        <translation>Ein Token für einen Client erzeugen; sein Geheimnis wird einmal angezeigt</translation>
    </message>
    <message>
        <source>Refuse the selected token from now on</source>
        <translation>Das ausgewählte Token ab jetzt ablehnen</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>Add Token</source>
        <translation>Token hinzufügen</translation>
    </message>
    <message>
        <source>A name for the client that will use the token (letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;):</source>
        <translation>Ein Name für den Client, der das Token verwenden wird (Buchstaben, Ziffern, „.“, „_“ und „-“):</translation>
    </message>
    <message>
        <source>Could not add the token: %1</source>
        <translation>Das Token konnte nicht hinzugefügt werden: %1</translation>
    </message>
    <message>
        <source>Revoke Token</source>
        <translation>Token widerrufen</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Could not revoke “%1”: %2</source>
        <translation>„%1“ konnte nicht widerrufen werden: %2</translation>
    </message>
    <message>
        <source>Revoke the token “%1”? Its open sessions end now and clients that use it are refused from then on; this cannot be undone.</source>
        <translation>Das Token „%1“ widerrufen? Seine offenen Sitzungen enden sofort, und Clients, die es verwenden, werden ab dann abgewiesen; das lässt sich nicht rückgängig machen.</translation>
    </message>
</context>
<context>
    <name>manifold::JsonDetail</name>
    <message>
        <source>&amp;Previous</source>
        <translation>&amp;Vorheriger</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>&amp;Nächster</translation>
    </message>
    <message>
        <source>C&amp;opy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Message body</source>
        <translation>Nachrichteninhalt</translation>
    </message>
    <message>
        <source>Find in the message</source>
        <translation>In der Nachricht suchen</translation>
    </message>
    <message>
        <source>Find previous</source>
        <translation>Vorherigen Treffer suchen</translation>
    </message>
    <message>
        <source>Find the previous match (Shift+F3)</source>
        <translation>Den vorherigen Treffer suchen (Umschalt+F3)</translation>
    </message>
    <message>
        <source>Find next</source>
        <translation>Nächsten Treffer suchen</translation>
    </message>
    <message>
        <source>Find the next match (Enter, F3)</source>
        <translation>Den nächsten Treffer suchen (Enter, F3)</translation>
    </message>
    <message>
        <source>Find result</source>
        <translation>Suchergebnis</translation>
    </message>
    <message>
        <source>Copy the message</source>
        <translation>Die Nachricht kopieren</translation>
    </message>
    <message>
        <source>Copy the selection, or the whole message when nothing is selected (Ctrl+C)</source>
        <translation>Die Auswahl kopieren, oder die ganze Nachricht, wenn nichts ausgewählt ist (Strg+C)</translation>
    </message>
    <message>
        <source>Message note</source>
        <translation>Hinweis zur Nachricht</translation>
    </message>
    <message>
        <source>F&amp;ind:</source>
        <translation>S&amp;uchen:</translation>
    </message>
    <message>
        <source>Only the beginning of this message was kept.</source>
        <translation>Nur der Anfang dieser Nachricht wurde aufbewahrt.</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
</context>
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
        <source>Kill the selected server&apos;s processes at once</source>
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
        <source>Could not add &quot;%1&quot;: %2</source>
        <translation>„%1“ konnte nicht hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>Remove the server &quot;%1&quot;? Its process is stopped.</source>
        <translation>Den Server „%1“ entfernen? Sein Prozess wird beendet.</translation>
    </message>
    <message numerus="yes">
        <source>%n connected session(s) will be disconnected.</source>
        <translation>
            <numerusform>%n verbundene Sitzung wird getrennt.</numerusform>
            <numerusform>%n verbundene Sitzungen werden getrennt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove Server</source>
        <translation>Server entfernen</translation>
    </message>
    <message>
        <source>Ser&amp;vers</source>
        <translation>Ser&amp;ver</translation>
    </message>
    <message>
        <source>&amp;Clients</source>
        <translation>&amp;Clients</translation>
    </message>
    <message>
        <source>&amp;Edit Server…</source>
        <translation>Server &amp;bearbeiten…</translation>
    </message>
    <message>
        <source>Edit the selected server&apos;s command, arguments and environment (Ctrl+E)</source>
        <translation>Befehl, Argumente und Umgebung des ausgewählten Servers bearbeiten (Strg+E)</translation>
    </message>
    <message>
        <source>Set Up &amp;Clients…</source>
        <translation>&amp;Clients einrichten…</translation>
    </message>
    <message>
        <source>Make your MCP clients use Manifold&apos;s shared servers</source>
        <translation>Ihre MCP-Clients die geteilten Server von Manifold verwenden lassen</translation>
    </message>
    <message>
        <source>Edit Server</source>
        <translation>Server bearbeiten</translation>
    </message>
    <message>
        <source>Could not change &quot;%1&quot;: %2</source>
        <translation>„%1“ konnte nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>Saved; &quot;%1&quot; uses it from its next start.</source>
        <translation>Gespeichert; „%1“ verwendet es ab dem nächsten Start.</translation>
    </message>
    <message>
        <source>&amp;About Manifold</source>
        <translation>Ü&amp;ber Manifold</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>The broker runs Manifold %1, this window is %2: quit Manifold and start it again to finish the upgrade.</source>
        <translation>Der Broker läuft mit Manifold %1, dieses Fenster ist %2: Beenden Sie Manifold und starten Sie es erneut, um die Aktualisierung abzuschließen.</translation>
    </message>
    <message>
        <source>T&amp;raffic</source>
        <translation>Datenve&amp;rkehr</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>H&amp;ealth</source>
        <translation>&amp;Zustand</translation>
    </message>
    <message>
        <source>Who &amp;Uses What</source>
        <translation>Wer &amp;nutzt was</translation>
    </message>
    <message>
        <source>&amp;Traffic</source>
        <translation>D&amp;atenverkehr</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>Dash&amp;board</translation>
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
    <name>manifold::ServerCard</name>
    <message>
        <source>Calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>Calls per minute</source>
        <translation>Aufrufe pro Minute</translation>
    </message>
    <message>
        <source>%1 calls/min</source>
        <translation>%1 Aufrufe/min</translation>
    </message>
    <message>
        <source>Latency (p95)</source>
        <translation>Latenz (p95)</translation>
    </message>
    <message>
        <source>p95 %1</source>
        <translation>p95 %1</translation>
    </message>
    <message>
        <source>p50 %1</source>
        <translation>p50 %1</translation>
    </message>
    <message>
        <source>Errors per minute</source>
        <translation>Fehler pro Minute</translation>
    </message>
    <message>
        <source>%1 errors/min</source>
        <translation>%1 Fehler/min</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Server %1, %2</source>
        <translation>Server %1, %2</translation>
    </message>
    <message>
        <source>%1/min</source>
        <translation>%1/min</translation>
    </message>
    <message>
        <source>p95 %1 · p50 %2</source>
        <translation>p95 %1 · p50 %2</translation>
    </message>
    <message>
        <source>%1 calls per minute, latency %2, %3 errors per minute, memory %4</source>
        <translation>%1 Aufrufe pro Minute, Latenz %2, %3 Fehler pro Minute, Speicher %4</translation>
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
        <source>Letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;; the name clients pass to manifold-shim.</source>
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
        <source>Broker&apos;s working directory</source>
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
        <source>A name may hold letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, must not start with &apos;.&apos; or &apos;-&apos; and has at most 64 characters.</source>
        <translation>Ein Name darf Buchstaben, Ziffern, „.“, „_“ und „-“ enthalten, nicht mit „.“ oder „-“ beginnen und höchstens 64 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>A server named &quot;%1&quot; already exists.</source>
        <translation>Ein Server namens „%1“ existiert bereits.</translation>
    </message>
    <message>
        <source>Enter the command that starts the server.</source>
        <translation>Geben Sie den Befehl ein, der den Server startet.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an executable file and was not found on the PATH.</source>
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
        <translation>
            <numerusform>%1 wurde gestartet und bietet %n Werkzeug an.</numerusform>
            <numerusform>%1 wurde gestartet und bietet %n Werkzeuge an.</numerusform>
        </translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Geheim</translation>
    </message>
    <message>
        <source>Secret values are kept in the system keychain, not in servers.json, and are never shown unless you ask.</source>
        <translation>Geheime Werte werden im Schlüsselbund des Systems aufbewahrt, nicht in servers.json, und nur auf Wunsch angezeigt.</translation>
    </message>
    <message>
        <source>Leave empty to keep the current value</source>
        <translation>Leer lassen, um den aktuellen Wert zu behalten</translation>
    </message>
    <message>
        <source>Keep this value in the system keychain</source>
        <translation>Diesen Wert im Schlüsselbund des Systems aufbewahren</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Show value of %1</source>
        <translation>Wert von %1 anzeigen</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Verbergen</translation>
    </message>
    <message>
        <source>Per project: one process per project directory</source>
        <translation>Pro Projekt: ein Prozess pro Projektverzeichnis</translation>
    </message>
    <message>
        <source>&amp;Unread limit per client:</source>
        <translation>&amp;Ungelesen pro Client höchstens:</translation>
    </message>
    <message>
        <source>A command on this computer</source>
        <translation>Ein Befehl auf diesem Computer</translation>
    </message>
    <message>
        <source>A remote server at a URL</source>
        <translation>Ein entfernter Server unter einer URL</translation>
    </message>
    <message>
        <source>Server kind</source>
        <translation>Art des Servers</translation>
    </message>
    <message>
        <source>e.g. https://mcp.example.com/mcp</source>
        <translation>z. B. https://mcp.example.com/mcp</translation>
    </message>
    <message>
        <source>Every client shares one connection and one sign-in to this server.</source>
        <translation>Alle Clients teilen sich eine Verbindung und eine Anmeldung bei diesem Server.</translation>
    </message>
    <message>
        <source>Automatic (Streamable HTTP, else HTTP+SSE)</source>
        <translation>Automatisch (Streamable HTTP, sonst HTTP+SSE)</translation>
    </message>
    <message>
        <source>Streamable HTTP</source>
        <translation>Streamable HTTP</translation>
    </message>
    <message>
        <source>HTTP+SSE (older servers)</source>
        <translation>HTTP+SSE (ältere Server)</translation>
    </message>
    <message>
        <source>&amp;Runs as:</source>
        <translation>&amp;Läuft als:</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;Transport:</source>
        <translation>&amp;Transport:</translation>
    </message>
    <message>
        <source>&amp;Headers:</source>
        <translation>&amp;Header:</translation>
    </message>
    <message>
        <source>Header</source>
        <translation>Header</translation>
    </message>
    <message>
        <source>Add &amp;Header</source>
        <translation>&amp;Header hinzufügen</translation>
    </message>
    <message>
        <source>Remove Header</source>
        <translation>Header entfernen</translation>
    </message>
    <message>
        <source>Enter the server&apos;s URL.</source>
        <translation>Geben Sie die URL des Servers ein.</translation>
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
    <message>
        <source>Stored in</source>
        <translation>Gespeichert in</translation>
    </message>
    <message>
        <source>Keychain</source>
        <translation>Schlüsselbund</translation>
    </message>
    <message>
        <source>servers.json</source>
        <translation>servers.json</translation>
    </message>
    <message>
        <source>A secret: kept in the system keychain and given to the server when it starts</source>
        <translation>Ein Geheimnis: wird im Schlüsselbund des Systems aufbewahrt und dem Server beim Start übergeben</translation>
    </message>
    <message>
        <source>Kept in servers.json</source>
        <translation>In servers.json gespeichert</translation>
    </message>
    <message>
        <source>Per project: one process per project directory</source>
        <translation>Pro Projekt: ein Prozess pro Projektverzeichnis</translation>
    </message>
    <message>
        <source>&amp;Unread limit per client:</source>
        <translation>&amp;Ungelesen pro Client höchstens:</translation>
    </message>
    <message>
        <source>transport: %1</source>
        <translation>Transport: %1</translation>
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
    <message>
        <source>Instance %1 of %2</source>
        <translation>Instanz %1 von %2</translation>
    </message>
    <message>
        <source>Instance %1 of %2, sessions %3</source>
        <translation>Instanz %1 von %2, Sitzungen %3</translation>
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
    <message>
        <source>%1 (v%2)</source>
        <extracomment>Shim PID column when the shim is another Manifold version: pid (shim version)</extracomment>
        <translation>%1 (v%2)</translation>
    </message>
    <message>
        <source>manifold-shim %1</source>
        <translation>manifold-shim %1</translation>
    </message>
    <message>
        <source>This shim is not the broker&apos;s version: restart the client so it uses the installed one.</source>
        <translation>Dieser Shim hat nicht die Version des Brokers: Starten Sie den Client neu, damit er den installierten verwendet.</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Cut off: %1</source>
        <extracomment>Sessions table, State column: a session the broker disconnected, and why</extracomment>
        <translation>Getrennt: %1</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>Entfernte Adresse</translation>
    </message>
    <message>
        <source>HTTP</source>
        <translation>HTTP</translation>
    </message>
    <message>
        <source>SSE</source>
        <translation>SSE</translation>
    </message>
    <message>
        <source>shim</source>
        <translation>Shim</translation>
    </message>
    <message>
        <source>Streamable HTTP through the front door (/mcp/%1)</source>
        <translation>Streamable HTTP über den HTTP-Zugang (/mcp/%1)</translation>
    </message>
    <message>
        <source>The older HTTP+SSE transport through the front door (/sse/%1)</source>
        <translation>Der ältere HTTP+SSE-Transport über den HTTP-Zugang (/sse/%1)</translation>
    </message>
    <message>
        <source>manifold-shim, started by the client, over the broker&apos;s local socket</source>
        <translation>manifold-shim, vom Client gestartet, über den lokalen Socket des Brokers</translation>
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
    <message>
        <source>How much may wait for a client that stops reading before Manifold disconnects it, for every server that does not set its own limit.</source>
        <translation>Wie viel für einen Client warten darf, der nicht mehr liest, bevor Manifold ihn trennt; für jeden Server ohne eigene Grenze.</translation>
    </message>
    <message>
        <source>&amp;Unread limit per client:</source>
        <translation>&amp;Ungelesen pro Client höchstens:</translation>
    </message>
    <message>
        <source>Unread Limit</source>
        <translation>Grenze für Ungelesenes</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>&amp;Allgemein</translation>
    </message>
    <message>
        <source>HTTP &amp;Front Door</source>
        <translation>HTTP-&amp;Zugang</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source>How much of each server&apos;s recent traffic Manifold keeps for the Traffic view and manifoldctl traffic. The oldest messages are forgotten first; the health charts always cover the last hour.</source>
        <translation>Wie viel vom jüngsten Datenverkehr jedes Servers Manifold für die Ansicht „Datenverkehr“ und manifoldctl traffic aufbewahrt. Die ältesten Nachrichten werden zuerst verworfen; die Zustandsdiagramme umfassen immer die letzte Stunde.</translation>
    </message>
    <message>
        <source>Traffic memory per server</source>
        <translation>Speicher für Datenverkehr pro Server</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>A server whose 95th percentile latency stays above this is shown as slow on the dashboard, and you are notified once.</source>
        <translation>Ein Server, dessen Latenz im 95. Perzentil dauerhaft darüber liegt, wird im Dashboard als langsam angezeigt, und Sie werden einmal benachrichtigt.</translation>
    </message>
    <message>
        <source>Slow server threshold</source>
        <translation>Schwelle für langsame Server</translation>
    </message>
    <message>
        <source>&amp;Traffic memory per server:</source>
        <translation>Speicher für &amp;Datenverkehr pro Server:</translation>
    </message>
    <message>
        <source>&amp;Slow server threshold (p95):</source>
        <translation>Schwelle für &amp;langsame Server (p95):</translation>
    </message>
    <message>
        <source>Traffic Memory</source>
        <translation>Speicher für Datenverkehr</translation>
    </message>
    <message>
        <source>Could not change the setting: %1</source>
        <translation>Die Einstellung konnte nicht geändert werden: %1</translation>
    </message>
</context>
<context>
    <name>manifold::Sparkline</name>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <extracomment>A chart&apos;s tooltip: the minute, then the value</extracomment>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>noch keine Daten</translation>
    </message>
    <message>
        <source>last %1, max %2 over the last hour</source>
        <extracomment>A chart&apos;s accessible description</extracomment>
        <translation>zuletzt %1, höchstens %2 in der letzten Stunde</translation>
    </message>
    <message>
        <source>max %1</source>
        <translation>max. %1</translation>
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
    <message>
        <source>sign-in-required</source>
        <translation>Anmeldung nötig</translation>
    </message>
</context>
<context>
    <name>manifold::TokenSecretDialog</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>New Token “%1”</source>
        <translation>Neues Token „%1“</translation>
    </message>
    <message>
        <source>A client sends this secret to reach your MCP servers over HTTP. &lt;b&gt;This is the only time it is shown:&lt;/b&gt; Manifold keeps only a hash of it. Copy it now; if it is lost, revoke the token and add a new one.</source>
        <translation>Ein Client sendet dieses Geheimnis, um Ihre MCP-Server über HTTP zu erreichen. &lt;b&gt;Es wird nur dieses eine Mal angezeigt:&lt;/b&gt; Manifold speichert nur einen Hash davon. Kopieren Sie es jetzt; geht es verloren, widerrufen Sie das Token und fügen Sie ein neues hinzu.</translation>
    </message>
    <message>
        <source>Token secret</source>
        <translation>Geheimnis des Tokens</translation>
    </message>
    <message>
        <source>Copy the secret to the clipboard</source>
        <translation>Das Geheimnis in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
    <message>
        <source>For a client&apos;s configuration, with NAME the server&apos;s name:</source>
        <translation>Für die Konfiguration eines Clients, mit NAME als Name des Servers:</translation>
    </message>
    <message>
        <source>Example configuration</source>
        <translation>Beispielkonfiguration</translation>
    </message>
    <message>
        <source>URL: %1</source>
        <translation>URL: %1</translation>
    </message>
</context>
<context>
    <name>manifold::TrafficExport</name>
    <message>
        <source>An export is still running.</source>
        <translation>Ein Export läuft noch.</translation>
    </message>
    <message>
        <source>Not connected to the broker.</source>
        <translation>Nicht mit dem Broker verbunden.</translation>
    </message>
</context>
<context>
    <name>manifold::TrafficModel</name>
    <message>
        <source> (by Manifold)</source>
        <translation> (von Manifold)</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>error %1: %2</source>
        <translation>Fehler %1: %2</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>to the server</source>
        <translation>an den Server</translation>
    </message>
    <message>
        <source>from the server</source>
        <translation>vom Server</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 #%2</source>
        <translation>%1 #%2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>all clients</source>
        <translation>alle Clients</translation>
    </message>
    <message>
        <source>Dir.</source>
        <comment>abbreviation of Direction</comment>
        <translation>Richt.</translation>
    </message>
</context>
<context>
    <name>manifold::TrafficPage</name>
    <message>
        <source>Traffic</source>
        <translation>Datenverkehr</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Skipped and dropped messages</source>
        <translation>Übersprungene und verworfene Nachrichten</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>The export failed: %1</source>
        <translation>Der Export ist fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n message(s).</source>
        <translation>
            <numerusform>%n Nachricht exportiert.</numerusform>
            <numerusform>%n Nachrichten exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Stop adding new messages for now (Space in the table)</source>
        <translation>Vorerst keine neuen Nachrichten hinzufügen (Leertaste in der Tabelle)</translation>
    </message>
    <message>
        <source>All clients</source>
        <translation>Alle Clients</translation>
    </message>
    <message>
        <source>Client filter</source>
        <translation>Client-Filter</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Method filter</source>
        <translation>Methodenfilter</translation>
    </message>
    <message>
        <source>&amp;Errors only</source>
        <translation>Nur &amp;Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>&amp;Slow only</source>
        <translation>Nur lan&amp;gsame</translation>
    </message>
    <message>
        <source>Slow only</source>
        <translation>Nur langsame</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>Slow threshold in milliseconds</source>
        <translation>Schwelle für „langsam“ in Millisekunden</translation>
    </message>
    <message>
        <source>Slower than this (or still waiting longer) counts as slow</source>
        <translation>Was langsamer ist (oder noch länger wartet), gilt als langsam</translation>
    </message>
    <message>
        <source>Capture &amp;bodies</source>
        <translation>&amp;Inhalte aufzeichnen</translation>
    </message>
    <message>
        <source>Capture bodies</source>
        <translation>Inhalte aufzeichnen</translation>
    </message>
    <message>
        <source>Keep message bodies for this server; they may hold secrets (known secret values are masked)</source>
        <translation>Nachrichteninhalte für diesen Server aufbewahren; sie können Geheimnisse enthalten (bekannte geheime Werte werden maskiert)</translation>
    </message>
    <message>
        <source>E&amp;xport</source>
        <translation>E&amp;xportieren</translation>
    </message>
    <message>
        <source>Export &amp;Selection…</source>
        <translation>&amp;Auswahl exportieren…</translation>
    </message>
    <message>
        <source>Export &amp;All Kept…</source>
        <translation>Alle aufbewahrten &amp;Nachrichten exportieren…</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>&amp;Leeren</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Forget the traffic kept so far (the health charts stay)</source>
        <translation>Den bisher aufbewahrten Datenverkehr verwerfen (die Zustandsdiagramme bleiben erhalten)</translation>
    </message>
    <message>
        <source>Traffic is not available: %1</source>
        <translation>Datenverkehr ist nicht verfügbar: %1</translation>
    </message>
    <message numerus="yes">
        <source>Paused: %n new message(s) waiting</source>
        <translation>
            <numerusform>Angehalten: %n neue Nachricht wartet</numerusform>
            <numerusform>Angehalten: %n neue Nachrichten warten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) skipped to keep up</source>
        <translation>
            <numerusform>%n Zeile übersprungen, um mitzuhalten</numerusform>
            <numerusform>%n Zeilen übersprungen, um mitzuhalten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n dropped (memory limit)</source>
        <translation>
            <numerusform>%n verworfen (Speichergrenze)</numerusform>
            <numerusform>%n verworfen (Speichergrenze)</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Weiter</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Choose a server to capture its message bodies</source>
        <translation>Wählen Sie einen Server, um seine Nachrichteninhalte aufzuzeichnen</translation>
    </message>
    <message>
        <source>Capture Bodies</source>
        <translation>Inhalte aufzeichnen</translation>
    </message>
    <message>
        <source>Could not change body capture for &quot;%1&quot;: %2</source>
        <translation>Die Aufzeichnung der Inhalte für „%1“ konnte nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <source>Body capture</source>
        <translation>Aufzeichnung der Inhalte</translation>
    </message>
    <message>
        <source>Turn on body capture</source>
        <translation>Aufzeichnung der Inhalte einschalten</translation>
    </message>
    <message>
        <source>Select a message to see it here.</source>
        <translation>Wählen Sie eine Nachricht aus, um sie hier anzuzeigen.</translation>
    </message>
    <message>
        <source>%1, answered by Manifold</source>
        <translation>%1, von Manifold beantwortet</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>The body is no longer kept (%1).</source>
        <translation>Der Inhalt wird nicht mehr aufbewahrt (%1).</translation>
    </message>
    <message>
        <source>No body was kept for this message.</source>
        <translation>Für diese Nachricht wurde kein Inhalt aufbewahrt.</translation>
    </message>
    <message>
        <source>Message bodies are not captured for &quot;%1&quot;.</source>
        <translation>Für „%1“ werden keine Nachrichteninhalte aufgezeichnet.</translation>
    </message>
    <message>
        <source>Bodies may hold secrets, so &quot;%1&quot; keeps only metadata. Turn on &quot;Capture bodies&quot; to keep the bodies of its next messages; known secret values are masked.</source>
        <translation>Inhalte können Geheimnisse enthalten, daher bewahrt „%1“ nur Metadaten auf. Schalten Sie „Inhalte aufzeichnen“ ein, um die Inhalte seiner nächsten Nachrichten aufzubewahren; bekannte geheime Werte werden maskiert.</translation>
    </message>
    <message>
        <source>Capture Bodies of &quot;%1&quot;</source>
        <translation>Inhalte von „%1“ aufzeichnen</translation>
    </message>
    <message>
        <source>Export Selection</source>
        <translation>Auswahl exportieren</translation>
    </message>
    <message>
        <source>Export All Kept</source>
        <translation>Alle aufbewahrten Nachrichten exportieren</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Could not export: %1</source>
        <translation>Es konnte nicht exportiert werden: %1</translation>
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
        <translation>
            <numerusform>%n Client-Sitzung ist verbunden. Beim Beenden werden alle Server gestoppt und die Sitzung getrennt.
Trotzdem beenden?</numerusform>
            <numerusform>%n Client-Sitzungen sind verbunden. Beim Beenden werden alle Server gestoppt und die Sitzungen getrennt.
Trotzdem beenden?</numerusform>
        </translation>
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
        <translation>
            <numerusform>%1 — %2 (%n Sitzung)</numerusform>
            <numerusform>%1 — %2 (%n Sitzungen)</numerusform>
        </translation>
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
        <source>Set Up &amp;Clients…</source>
        <translation>&amp;Clients einrichten…</translation>
    </message>
    <message>
        <source>Sign &amp;In Again…</source>
        <translation>Erneut &amp;anmelden…</translation>
    </message>
    <message>
        <source>Sign &amp;In to %1…</source>
        <translation>Bei %1 &amp;anmelden…</translation>
    </message>
    <message>
        <source>Could not sign in to &quot;%1&quot;</source>
        <translation>Anmeldung bei „%1“ fehlgeschlagen</translation>
    </message>
    <message>
        <source>&amp;Dashboard…</source>
        <translation>&amp;Dashboard…</translation>
    </message>
    <message numerus="yes">
        <source>%n server(s)</source>
        <extracomment>Tray summary: server and client counts</extracomment>
        <translation>
            <numerusform>%n Server</numerusform>
            <numerusform>%n Server</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n client(s)</source>
        <translation>
            <numerusform>, %n Client</numerusform>
            <numerusform>, %n Clients</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n failing</source>
        <translation>
            <numerusform>, %n ausgefallen</numerusform>
            <numerusform>, %n ausgefallen</numerusform>
        </translation>
    </message>
    <message>
        <source>, slowest: p95 %1</source>
        <translation>, langsamster: p95 %1</translation>
    </message>
    <message>
        <source>Manifold — %1</source>
        <extracomment>Tray tooltip: Manifold — summary</extracomment>
        <translation>Manifold — %1</translation>
    </message>
</context>
</TS>
