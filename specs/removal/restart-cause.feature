Feature: Why a restarted agent that never reregisters is unreachable
  An agent that restarts but never finishes reregistering is marked unreachable
  agent_reregister_timeout after its connection broke, with a cause that names the
  timeout as Mesos prints it.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"
    And "cassandra" runs task "c2" on agent "a2"

  # Rules L2, B3
  Scenario: A restarted agent that does not reregister within agent_reregister_timeout is told why it is unreachable
    When ReregisterAgent messages from agent "a1" to the master are dropped
    And agent "a1" restarts
    And 11m pass
    Then "cassandra" receives these updates:
      | task | state            | reason               | source        | unreachable time | message                                                    |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | SOURCE_MASTER | 10m              | agent did not reregister within 10mins after disconnecting |
