Feature: Rate-limiting unreachable transitions
  Scheduling a transition to unreachable counts slave_unreachable_scheduled. With
  no agent_removal_rate_limit (the default) the transition goes ahead at once and
  counts slave_unreachable_completed. With a limit such as 1/10mins, the observer
  first waits for a permit from one master-wide limiter, which hands out permits
  one at a time, duration/permits apart, first come first served, with no burst.

  While the transition waits, a pong from the agent discards it
  (slave_unreachable_canceled) and nothing else happens. The agent is marked
  unreachable at the moment its permit arrives, and that moment is the unreachable
  time reported to frameworks.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And "cassandra" runs a task on every agent

  # Rules 0, A7
  Scenario: Without agent_removal_rate_limit agents cut off together are marked unreachable at the same instant
    Given an agent "a3"
    When agents "a1", "a2" and "a3" are partitioned from the master
    And 2m pass
    Then agent "a1" is marked unreachable at 90s
    And agent "a2" is marked unreachable at 90s
    And agent "a3" is marked unreachable at 90s
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 3     |
      | slave_unreachable_completed | 3     |
      | slave_unreachable_canceled  | 0     |
      | slave_removals              | 3     |

  # Rules A7, D3
  Scenario Outline: With agent_removal_rate_limit <limit> the second of two agents cut off together is marked unreachable <spacing> after the first
    Given the master flag agent_removal_rate_limit is <limit>
    When agents "a1" and "a2" are partitioned from the master
    And 100s pass
    Then agent "a1" is marked unreachable at 90s
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 2     |
      | slave_unreachable_completed | 1     |
      | slave_removals              | 1     |
    When 1h passes
    Then agent "a2" is marked unreachable at <second>
    And "cassandra" receives these updates:
      | task         | state            | at       | unreachable time |
      | cassandra-a2 | TASK_UNREACHABLE | <second> | <second>         |
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 2     |
      | slave_unreachable_completed | 2     |
      | slave_removals              | 2     |

    Examples:
      | limit    | spacing | second |
      | 3/10mins | 3m20s   | 4m50s  |
      | 6/2mins  | 20s     | 1m50s  |

  # Rules A7, A8
  Scenario: While a transition waits for its permit, later failed ticks schedule nothing more
    Given the master flag agent_removal_rate_limit is 3/10mins
    # a2's transition is scheduled at 90s and waits for its permit until 4m50s.
    When agents "a1" and "a2" are partitioned from the master
    And the clock reaches 4m45s
    Then the master considers agent "a2" registered
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 2     |
      | slave_unreachable_completed | 1     |
    When 10s pass
    Then the master considers agent "a2" unreachable
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 2     |
      | slave_unreachable_completed | 2     |

  # Rule A7
  Scenario: A pong that arrives while the transition waits for its permit cancels it
    Given the master flag agent_removal_rate_limit is 1/10mins
    When agents "a1" and "a2" are partitioned from the master
    And the clock reaches 5m
    And the partition of agent "a2" heals
    And 10m pass
    Then the master considers agent "a2" registered
    And the master considers agent "a1" unreachable
    And "cassandra" is not told about agent "a2"
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 2     |
      | slave_unreachable_completed | 1     |
      | slave_unreachable_canceled  | 1     |
      | slave_removals              | 1     |

  # Rule A7
  Scenario: The rate limiter has no burst: a failure soon after a permit waits, one after a quiet spell goes through at once
    Given the master flag agent_removal_rate_limit is 3/10mins
    And an agent "a3"
    # One permit every 3m20s. a1 fails at 90s, a2 at 2m15s, a3 at 11m15s.
    When agent "a1" is partitioned from the master
    And the clock reaches 1m
    And agent "a2" is partitioned from the master
    And the clock reaches 10m
    And agent "a3" is partitioned from the master
    And 1h passes
    Then agent "a1" is marked unreachable at 90s
    And agent "a2" is marked unreachable at 4m50s
    And agent "a3" is marked unreachable at 11m15s

  # Rules A7, D2
  Scenario: A transition waiting for its permit is skipped if the agent was removed meanwhile
    Given the master flag agent_removal_rate_limit is 1/10mins
    When agents "a1" and "a2" are partitioned from the master
    And the clock reaches 5m
    And the operator schedules maintenance for the machine of agent "a2"
    And the operator takes the machine of agent "a2" down
    Then "cassandra" receives these updates:
      | task         | state            | reason               | at    |
      | cassandra-a1 | TASK_UNREACHABLE | REASON_AGENT_REMOVED | 90s   |
      | cassandra-a2 | TASK_LOST        | REASON_AGENT_REMOVED | 5m    |
    When 1h passes
    Then "cassandra" receives no updates
    And the master considers agent "a2" removed
    And the master's metric slave_removals is 2
