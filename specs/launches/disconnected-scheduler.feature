Feature: A scheduler that is not connected to the master answers its own launches
  A scheduler driver that has lost its master does not send a launch at all: it
  answers it itself, at once, with a status update from SOURCE_MASTER,
  REASON_MASTER_DISCONNECTED and the message "Master disconnected"
  (SchedulerProcess::acceptOffers). The state is TASK_LOST, or TASK_DROPPED for a
  partition-aware framework from Mesos 1.2 on; Mesos 1.0 and 1.1 always answer
  TASK_LOST. The master never hears of the task, so it counts nothing and no agent
  runs it. FaultToleranceTest.DisconnectedSchedulerLaunchLost and
  DisconnectedSchedulerLaunchDropped pin this.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" has a failover timeout of 1h
    And "spark" has a failover timeout of 1h

  Scenario Outline: In Mesos <version> a disconnected scheduler's launch is <aware state> for a partition-aware framework and TASK_LOST for the others
    Given the master runs Mesos <version>
    When "cassandra" disconnects
    And "spark" disconnects
    And "cassandra" launches task "c9" on agent "a1"
    And "spark" launches task "s9" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state         | reason                     | source        | message             |
      | c9   | <aware state> | REASON_MASTER_DISCONNECTED | SOURCE_MASTER | Master disconnected |
    And "spark" receives these updates:
      | task | state     | reason                     | source        | message             |
      | s9   | TASK_LOST | REASON_MASTER_DISCONNECTED | SOURCE_MASTER | Master disconnected |
    And agent "a1" runs no tasks
    And the master does not know task "c9"
    And the master's metrics are:
      | metric        | value |
      | tasks_lost    | 0     |
      | tasks_dropped | 0     |

    Examples:
      | version | aware state  |
      | 1.0     | TASK_LOST    |
      | 1.1     | TASK_LOST    |
      | 1.4     | TASK_DROPPED |
      | 1.12    | TASK_DROPPED |

  Scenario: A scheduler that resubscribes launches through the master again
    When "spark" disconnects
    And "spark" launches task "s9" on agent "a1"
    And "spark" resubscribes
    And "spark" launches task "s10" on agent "a1"
    Then "spark" receives TASK_LOST for task "s9" with reason REASON_MASTER_DISCONNECTED
    And agent "a1" is still running task "s10"
