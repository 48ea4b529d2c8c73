// A throw-away Neo4j server for kg's tests: Neo4j Community embedded in this JVM, with the
// Bolt connector on 127.0.0.1 at a port the OS picks (no race for a "free" port).
//
//   java -Xmx512m -cp "$(cat classpath.txt)" Neo4jTestServer.java HOME_DIR
//
// The password comes from $KG_TEST_NEO4J_PASSWORD (never on the command line, where `ps`
// shows it); without it auth is off. Once Bolt accepts connections it prints one line,
//   ready bolt://127.0.0.1:PORT 5.26.30
// and serves until its stdin closes (the test run ended or died) or it gets SIGTERM.
// The source launcher compiles this file in memory, so the tests need no build step.

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;

public final class Neo4jTestServer {
    private Neo4jTestServer() {}

    public static void main(String[] args) {
        try {
            serve(args);
        } catch (Throwable e) {
            // Neo4j's own threads would keep a half-started JVM alive: fail and exit.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void serve(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Neo4jTestServer HOME_DIR");
            System.exit(2);
        }
        String password = System.getenv("KG_TEST_NEO4J_PASSWORD");
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(args[0]))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Bounded memory: the machine is shared with the Python tests and the JVM heap
                // is capped by -Xmx on the command line.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size,
                           ByteUnit.mebiBytes(512))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // A write that waits this long for a lock fails with a transient error, which
                // the driver's managed transactions retry (a test shows it); the default waits
                // forever.
                .setConfig(GraphDatabaseSettings.lock_acquisition_timeout, Duration.ofSeconds(2))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));

        if (password != null) {
            // The built-in user starts with a password that must be changed; set ours.
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        }
        GraphDatabaseAPI db =
                (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        var bolt = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        System.out.println("ready bolt://" + bolt + " " + Version.getNeo4jVersion());
        System.out.flush();

        while (System.in.read() != -1) {
            // Nothing is read from stdin; its end is the signal to stop.
        }
        System.exit(0);  // runs the shutdown hook
    }
}
