Feature: Counting missed pings
  The observer counts one miss at each tick that finds no pong since the previous
  ping, and pings again either way. It schedules the transition to unreachable at
  the tick where the count reaches max_agent_ping_timeouts (5). Only a pong resets
  the count, or a brand-new observer: the master creates one each time it admits
  an agent (first registration, and return from unreachable), but not when a
  still-registered agent reregisters, and a broken TCP connection does not touch
  the count either.

  Background:
    Given an agent "a1"
    And a framework "spark"
    And "spark" runs task "s1" on agent "a1"

  # Rule A4
  Scenario Outline: Agent whose pongs are lost for <lost> pings in a row <outcome>
    When the next ping to agent "a1" is due
    And pongs from agent "a1" are dropped
    And <for> pass
    And the partition of agent "a1" heals
    And 10m pass
    Then the master's metrics are:
      | metric                      | value       |
      | slave_unreachable_scheduled | <scheduled> |
      | slave_removals              | <scheduled> |

    Examples:
      | lost | outcome                     | for | scheduled |
      | 4    | stays registered            | 59s | 0         |
      | 5    | is marked unreachable       | 74s | 1         |

  # Rules A4, A6
  Scenario Outline: <what> does not reset the missed-ping count
    When the next ping to agent "a1" is due
    And pongs from agent "a1" are dropped
    And 35s pass
    And <event>
    And 1m passes
    Then agent "a1" is marked unreachable at 90s
    And "spark" receives these updates:
      | task | state     | reason               | at  | message                |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | 90s | health check timed out |

    Examples:
      | what                                         | event                                         |
      | Reregistering while still registered         | agent "a1" re-detects the master              |
      | A broken connection and the reregistration   | the master's connection to agent "a1" breaks  |

  # Rules A1, A2
  Scenario: Agent readmitted after being unreachable is pinged on a new grid that starts when it returns
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    And agent "a1" is partitioned from the master
    And 3m pass
    Then agent "a1" is marked unreachable 90s after the partition began
