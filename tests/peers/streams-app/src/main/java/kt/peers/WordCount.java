package kt.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Word count, the shape of Kafka's own Streams demo: lines from the input topic are split into
 * words, re-keyed by word (a repartition topic), counted in a state store (a changelog topic),
 * and each new count goes to the output topic as text ("word" -> "3").
 *
 * <p>Usage: WordCount BOOTSTRAP TOPOLOGY_FILE STATE_FILE STATE_DIR, with the application id and
 * topics from system properties kt.app (kt-wordcount), kt.input (kt-words), kt.output
 * (kt-word-counts). It writes topology.describe() to TOPOLOGY_FILE before it starts, and its
 * KafkaStreams state (CREATED, REBALANCING, RUNNING, ...) to STATE_FILE on each change, so that
 * the peers script can wait for RUNNING and tests can read the topology.
 */
public final class WordCount {
  private WordCount() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: WordCount BOOTSTRAP TOPOLOGY_FILE STATE_FILE STATE_DIR");
      System.exit(2);
    }
    String bootstrap = args[0];
    Path topologyFile = Path.of(args[1]);
    Path stateFile = Path.of(args[2]);
    String app = System.getProperty("kt.app", "kt-wordcount");
    String input = System.getProperty("kt.input", "kt-words");
    String output = System.getProperty("kt.output", "kt-word-counts");

    createTopics(bootstrap, List.of(input, output));

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
        .filter((key, word) -> !word.isEmpty())
        .groupBy((key, word) -> word, Grouped.with("words", Serdes.String(), Serdes.String()))
        .count(Materialized.as("counts"))
        .toStream()
        .mapValues(String::valueOf)
        .to(output, Produced.with(Serdes.String(), Serdes.String()));
    Topology topology = builder.build();
    writeAtomically(topologyFile, topology.describe().toString());

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[3]);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // Counts reach the output topic within a second instead of after the 30 s default commit.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.CLIENT_ID_CONFIG, app + "-client");

    KafkaStreams streams = new KafkaStreams(topology, props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      try {
        writeAtomically(stateFile, now.name() + "\n");
      } catch (IOException e) {
        System.err.println("cannot write " + stateFile + ": " + e);
      }
      System.out.println("kt-wordcount: state " + before + " -> " + now);
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
        done.countDown();
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      done.countDown();
    }, "kt-wordcount-shutdown"));
    streams.start();
    done.await();
  }

  /** The input and output topics, created if missing: a Streams app does not create them. */
  private static void createTopics(String bootstrap, List<String> names) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = names.stream()
          .filter(n -> !existing.contains(n))
          .map(n -> new NewTopic(n, 3, (short) 3))
          .collect(Collectors.toList());
      try {
        admin.createTopics(missing).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
