Feature: Why a disconnected agent is marked unreachable
  An agent whose connection broke and that does not reregister within
  agent_reregister_timeout is marked unreachable with a cause that names the
  timeout as Mesos prints durations ("10mins"); frameworks read it as the
  message of the updates they receive.

  # Rules B3, D5
  Scenario: The disconnect-timeout cause is reported as "agent did not reregister within 10mins after disconnecting"
    Given an agent "a1"
    And a framework "spark"
    And "spark" runs task "s1" on agent "a1"
    When ReregisterAgent messages from agent "a1" to the master are dropped
    And the master's connection to agent "a1" breaks
    And 11m pass
    Then "spark" receives these updates:
      | task | state     | reason               | source        | at  | unreachable time | message                                                   |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 10m | 10m              | agent did not reregister within 10mins after disconnecting |
