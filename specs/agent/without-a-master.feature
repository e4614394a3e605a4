Feature: An agent without a master keeps its tasks
  An agent never kills anything because it lost its master: its tasks and
  executors keep running, and the status updates they produce are checkpointed and
  queued. Once the agent is registered again it resends them, reliably, until
  the framework acknowledges them. While it is looking for a master it also
  ignores requests to shut down a framework: the master repeats them when the
  agent reregisters.

  It keeps trying to reregister, with a random backoff that doubles from
  registration_backoff_factor but never exceeds one minute, so it comes back
  within a minute of the network healing, however long the partition lasted.

  Background:
    Given an agent "a1"
    And a framework "spark"
    And "spark" runs task "s1" on agent "a1"

  # Rule C4
  Scenario Outline: An agent cut off from its master for an hour keeps running its tasks in Mesos <version>
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master
    And 1h passes
    Then agent "a1" has given up on the master
    And agent "a1" is still running task "s1"

    Examples:
      | version |
      | 1.0     |
      | 1.12    |

  # Rules C3, C4, C6
  Scenario: A status update produced while the agent is cut off is delivered once it reregisters
    When agent "a1" is partitioned from the master
    And 80s pass
    And task "s1" finishes
    And 20s pass
    Then "spark" receives these updates:
      | task | state     | reason               | source        | at  |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s |
    When agent "a1" reconnects
    Then "spark" receives these updates:
      | task | state         | reason                    | source          |
      | s1   | TASK_FINISHED | REASON_AGENT_REREGISTERED | SOURCE_MASTER   |
      | s1   | TASK_FINISHED | -                         | SOURCE_EXECUTOR |

  # Rules 0, C3
  Scenario: An agent cut off for an hour reregisters within a minute of the partition healing
    When agent "a1" is partitioned from the master
    And 1h passes
    And the partition of agent "a1" heals
    And 1m passes
    Then the master considers agent "a1" registered
    And "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED

  # Rules C8, E6
  Scenario: An agent that has lost its master ignores framework shutdowns until it reregisters
    When ReregisterAgent messages from agent "a1" to the master are dropped
    And agent "a1" re-detects the master
    And "spark" is torn down
    And 1m passes
    Then agent "a1" is still running task "s1"
    When the network heals
    And 2m pass
    Then task "s1" is killed on agent "a1"
    And agent "a1" is no longer running task "s1"

  # Rules C7, J5
  Scenario: Since Mesos 1.5 an agent shut down by the master keeps its ID, so a restarted gone agent is refused again
    When the operator marks agent "a1" as gone
    Then agent "a1" is told to shut down with "Agent has been marked gone"
    And agent "a1" is shut down
    And agent "a1" runs no tasks
    When agent "a1" restarts
    And 5m pass
    Then agent "a1" is shut down
    And the master considers agent "a1" gone
