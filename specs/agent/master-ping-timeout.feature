Feature: The agent gives up on a silent master
  The agent runs its own timer: if no ping arrives for agent_ping_timeout x
  max_agent_ping_timeouts, as the master last told it in its (re)registration
  acknowledgement (rounded down to whole seconds), it gives up on the master. It
  becomes disconnected, pauses its status updates, looks for the leading master
  again and reregisters after a random delay of up to registration_backoff_factor
  (1s by default). The timer is re-armed by every ping, and the agent answers every
  ping, whatever its state.

  Because the agent measures from the last ping it received, in a symmetric
  partition it gives up about one agent_ping_timeout before the master marks it
  unreachable. If only its pongs are lost, it keeps receiving pings until the
  master marks it unreachable and stops pinging, and gives up only after that.

  Background:
    Given an agent "a1"
    And a framework "spark"

  # Rules C1, C3
  Scenario Outline: With agent_ping_timeout <timeout> and max_agent_ping_timeouts <misses> the agent gives up <total> after the last ping it received
    Given the master flags:
      | flag                    | value     |
      | agent_ping_timeout      | <timeout> |
      | max_agent_ping_timeouts | <misses>  |
    And "spark" runs 2 tasks on agent "a1"
    # The last ping the agent receives is the one at 0s; it can still talk to the master.
    When the next ping to agent "a1" is due
    And messages from the master to agent "a1" are dropped
    And the clock reaches <just before>
    And task "spark-1" finishes
    Then "spark" receives TASK_FINISHED for task "spark-1" from SOURCE_EXECUTOR at <just before>
    When the clock reaches <total>
    Then agent "a1" has given up on the master
    # A disconnected agent holds its status updates back.
    When task "spark-2" finishes
    And 1s passes
    Then "spark" receives no updates

    Examples:
      | timeout | misses | just before | total |
      | 15s     | 5      | 74999ms     | 75s   |
      | 10s     | 3      | 29999ms     | 30s   |
      | 1500ms  | 3      | 3999ms      | 4s    |

  # Rule C5
  Scenario: In a symmetric partition the agent gives up on the master 15s before the master marks it unreachable
    Given "spark" runs task "s1" on agent "a1"
    When agent "a1" is partitioned from the master
    And 75s pass
    Then agent "a1" has given up on the master
    And the master considers agent "a1" registered
    When 15s pass
    Then the master considers agent "a1" unreachable
    And agent "a1" is still running task "s1"

  # Rules 0, C3, C5, D5
  Scenario: An agent whose pongs are lost gives up 75s after the last ping, which the master sent when it marked the agent unreachable
    Given "spark" runs task "s1" on agent "a1"
    When the next ping to agent "a1" is due
    And pongs from agent "a1" are dropped
    And 75s pass
    Then agent "a1" is marked unreachable at 90s
    And "spark" receives TASK_LOST for task "s1" at 90s
    When the clock reaches 2m44s
    Then "spark" receives no updates
    # It gives up at 2m45s and reregisters within registration_backoff_factor (1s).
    When the clock reaches 2m46s
    Then agent "a1" has given up on the master
    And "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED
    And the master considers agent "a1" registered

  # Rule C2
  Scenario: An agent that has lost its master still answers pings, so the master keeps it registered
    Given "spark" runs task "s1" on agent "a1"
    When ReregisterAgent messages from agent "a1" to the master are dropped
    And agent "a1" re-detects the master
    And 1h passes
    Then the master considers agent "a1" registered
    And the master's metric slave_unreachable_scheduled is 0
    And "spark" receives no updates
