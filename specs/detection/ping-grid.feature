Feature: The master's health check pings each agent on a fixed grid
  Each time the master admits an agent it starts a health check for it (the
  observer). The observer sends a ping at once, and then one ping every agent_ping_timeout
  (15s by default), whatever the agent answers: pings go out at t0, t0+15s,
  t0+30s, ... where t0 is when the agent was admitted. A pong never moves the grid.

  Pongs are not matched to pings. Each ping sets a "pinged" flag, and any pong
  clears it and resets the miss counter, even a late pong for an older ping. At each
  tick the observer counts a miss if the flag is still set, and when
  max_agent_ping_timeouts (5 by default) misses have piled up it schedules the
  transition to unreachable.

  So the verdict comes exactly agent_ping_timeout x max_agent_ping_timeouts after
  the first ping that got no answer. Measured from the start of a partition, it
  comes N*T to (N+1)*T later: 75s when the link breaks just before a ping is sent,
  90s when it breaks just after a ping was answered.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"

  # Rules 0, A5
  Scenario: With the default flags an agent cut off just before a ping is marked unreachable 75s later
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master
    And 2m pass
    Then agent "a1" is marked unreachable 75s after the partition began
    And "cassandra" receives these updates:
      | task | state            | reason               | source        | at  | unreachable time | message                |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s | 90s              | health check timed out |

  # Rule A5
  Scenario Outline: With agent_ping_timeout <timeout> and max_agent_ping_timeouts <misses> a cut-off agent is marked unreachable <lower> to <upper> after the cut
    Given the master flags:
      | flag                    | value     |
      | agent_ping_timeout      | <timeout> |
      | max_agent_ping_timeouts | <misses>  |
    And an agent "a2"
    # a1 is cut right after its first ping was answered, a2 just before its second ping.
    When agent "a1" is partitioned from the master
    And the next ping to agent "a2" is due
    And agent "a2" is partitioned from the master
    And 1h passes
    Then agent "a1" is marked unreachable <upper> after the partition began
    And agent "a2" is marked unreachable <lower> after the partition began

    Examples:
      | timeout | misses | lower | upper |
      | 15s     | 5      | 75s   | 90s   |
      | 10s     | 3      | 30s   | 40s   |
      | 5s      | 1      | 5s    | 10s   |

  # Rules A2, A5
  Scenario Outline: Agent cut off at <cut> is marked unreachable at <marked> because pings go out every 15s from registration
    When the clock reaches <cut>
    And agent "a1" is partitioned from the master
    And 5m pass
    Then agent "a1" is marked unreachable at <marked>

    Examples:
      | cut | marked |
      | 1s  | 90s    |
      | 15s | 90s    |
      | 16s | 105s   |
      | 30s | 105s   |

  # Rule A2
  Scenario: Slow pongs do not shift the ping grid
    Given the network latency is 2s
    # The ping sent at 15s is answered at 19s; the next ping still goes out at 30s.
    When the clock reaches 20s
    And agent "a1" is partitioned from the master
    And 5m pass
    Then agent "a1" is marked unreachable at 105s

  # Rule A3
  Scenario: Agent whose pongs arrive after the next ping was sent stays registered because any pong clears the count
    Given the network latency is 10s
    # Each pong arrives 20s after its ping, i.e. after the next ping went out.
    When 1h passes
    Then the master considers agent "a1" registered
    And the master's metric slave_unreachable_scheduled is 0
    And "cassandra" receives no updates

  # Rule A5
  Scenario: A pong still in flight when the link is cut is lost, so the agent is marked unreachable less than 75s after the cut
    Given the network latency is 1s
    # The ping sent at 15s arrives at 16s; its pong would arrive at 17s.
    When the clock reaches 16500ms
    And agent "a1" is partitioned from the master
    And 2m pass
    Then agent "a1" is marked unreachable 73500ms after the partition began
