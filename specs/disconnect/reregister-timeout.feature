Feature: Agents that stay disconnected are marked unreachable after agent_reregister_timeout
  Since Mesos 1.2, a broken connection also starts a timer of
  agent_reregister_timeout (10 minutes by default, and never less). If the agent
  is still registered and still disconnected when it fires, the master marks it
  unreachable, through the same rate limiter and with the same metrics as a failed
  health check. If the agent has reconnected in the meantime nothing happens, and a
  permit that arrives after it reconnected counts as canceled.

  This catches an agent that restarts and answers pings but never finishes its
  recovery. The health check keeps running meanwhile, so whichever fires first
  wins: for a host that is really dead, the health check fires within 75s to 90s.

  Background:
    Given agents "a1" and "a2"
    And a framework "spark"
    And "spark" runs task "s1" on agent "a1"

  # Rules 0, B3, D1
  Scenario: An agent that answers pings but never reregisters is marked unreachable 10 minutes after its connection broke
    When ReregisterAgent messages from agent "a1" to the master are dropped
    And the clock reaches 5s
    And the master's connection to agent "a1" breaks
    And 9m59s pass
    Then the master considers agent "a1" disconnected
    And "spark" receives no updates
    When 1s passes
    Then agent "a1" is marked unreachable at 10m5s
    And "spark" receives these updates:
      | task | state     | reason               | source        | at     | unreachable time |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 10m5s  | 10m5s            |
    And "spark" is told that agent "a1" is lost
    And the master's metrics are:
      | metric                                 | value |
      | slave_unreachable_scheduled            | 1     |
      | slave_unreachable_completed            | 1     |
      | slave_removals                         | 1     |
      | slave_removals/reason_unhealthy        | 1     |

  # Rule B3
  Scenario: A longer agent_reregister_timeout gives a disconnected agent longer to reregister
    Given the master flag agent_reregister_timeout is 30mins
    When ReregisterAgent messages from agent "a1" to the master are dropped
    And the master's connection to agent "a1" breaks
    And 29m pass
    Then the master considers agent "a1" disconnected
    When 2m pass
    Then agent "a1" is marked unreachable at 30m

  # Rules B3, E7
  Scenario Outline: Mesos <version> <outcome> when an agent never reregisters after its connection broke
    Given the master runs Mesos <version>
    When ReregisterAgent messages from agent "a1" to the master are dropped
    And the master's connection to agent "a1" breaks
    And 1h passes
    Then the master considers agent "a1" <status>
    And the master's metric slave_unreachable_scheduled is <scheduled>

    Examples:
      | version | outcome                         | status       | scheduled |
      | 1.1     | leaves the agent disconnected   | disconnected | 0         |
      | 1.2     | marks the agent unreachable     | unreachable  | 1         |

  # Rule B3
  Scenario: An agent that reregisters before agent_reregister_timeout is left alone
    When the master's connection to agent "a1" breaks
    And 11m pass
    Then the master considers agent "a1" registered
    And "spark" receives no updates
    And the master's metric slave_unreachable_scheduled is 0

  # Rules A7, B3
  Scenario: A disconnect timeout waiting for a rate-limit permit is canceled when the agent reconnects in time
    Given the master flag agent_removal_rate_limit is 1/10mins
    And "spark" runs task "s2" on agent "a2"
    # a1's health check uses the only permit at 90s; the next one is free at 11m30s.
    When agent "a1" is partitioned from the master
    And ReregisterAgent messages from agent "a2" to the master are dropped
    And the master's connection to agent "a2" breaks
    # a2's disconnect timeout fires at 10m and waits for the permit.
    And the clock reaches 10m20s
    And the partition of agent "a2" heals
    And 5m pass
    Then the master considers agent "a2" registered
    And the master considers agent "a1" unreachable
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 2     |
      | slave_unreachable_completed | 1     |
      | slave_unreachable_canceled  | 1     |
      | slave_removals              | 1     |

  # Rule B3
  Scenario: For a dead host the health check fires long before the reregister timer
    When the master's connection to agent "a1" breaks
    And the host of agent "a1" dies
    And 2m pass
    Then agent "a1" is marked unreachable at 90s
    And "spark" receives these updates:
      | task | state     | at  | message                |
      | s1   | TASK_LOST | 90s | health check timed out |
    When 1h passes
    Then the master's metric slave_unreachable_scheduled is 1
    And "spark" receives no updates
