Feature: A scheduler that fails over gets the updates it missed at once
  While a framework is disconnected the master does not forward its status
  updates (Master::statusUpdate forwards only to a connected framework), so nobody
  acknowledges them and the agent keeps retrying: 10 seconds after each send,
  then 20, 40 and so on, doubling up to 10 minutes
  (STATUS_UPDATE_RETRY_INTERVAL_MIN and _MAX). When the framework subscribes
  again, the master sends UpdateFrameworkMessage to every registered agent
  (Master::sendFrameworkUpdates), and the agent's status-update manager resends
  the pending update of every stream at once, with the retry interval back at 10
  seconds (Slave::updateFramework, TaskStatusUpdateManagerProcess::resume).
  FaultToleranceTest.SchedulerFailoverStatusUpdate pins this.

  Background:
    Given an agent "a1"
    And a framework "spark"
    And "spark" has a failover timeout of 1h
    And "spark" runs task "s1" on agent "a1"

  # The task finishes at 0s while "spark" is away: the master keeps the update
  # to itself, and the agent's first retry would be at 10s. "spark" comes back
  # at 5s, which makes the agent resend at once.
  Scenario: A framework that resubscribes receives the update it missed at that instant, not at the agent's next retry
    When "spark" disconnects
    And task "s1" finishes
    And the clock reaches 5s
    Then "spark" receives no updates
    When "spark" resubscribes
    Then "spark" receives TASK_FINISHED for task "s1" from SOURCE_EXECUTOR at 5s

  # Without a resubscription the update waits for the retry at 10s, and the
  # framework, still disconnected, does not get it then either.
  Scenario: While the framework stays away the agent retries 10s, 30s and 70s after the update
    When "spark" disconnects
    And task "s1" finishes
    And the clock reaches 2m
    Then agent "a1" sends these status updates:
      | task | state         | at    |
      | s1   | TASK_FINISHED | 0s    |
      | s1   | TASK_FINISHED | 10s   |
      | s1   | TASK_FINISHED | 30s   |
      | s1   | TASK_FINISHED | 1m10s |
    And "spark" receives no updates

  # The update is never acknowledged (withheld), so retries go on: 10s, 30s, then
  # 70s would be next. The resubscription at 45s resends at once and sets the
  # interval back to 10s: 55s, then 20s later 75s, then 40s later 1m55s.
  Scenario: The resend on a resubscription starts the agent's retries over at 10 seconds
    Given task "s1" has finished but "spark" has not acknowledged it
    When the clock reaches 45s
    And "spark" resubscribes
    And the clock reaches 2m
    Then agent "a1" sends these status updates:
      | task | state         | at    |
      | s1   | TASK_FINISHED | 10s   |
      | s1   | TASK_FINISHED | 30s   |
      | s1   | TASK_FINISHED | 45s   |
      | s1   | TASK_FINISHED | 55s   |
      | s1   | TASK_FINISHED | 1m15s |
      | s1   | TASK_FINISHED | 1m55s |
