using System.Globalization;
using Berth.Controllers.CronJobs;
using k8s.Models;

namespace Berth.Controllers.Tests.CronJobs;

public sealed class CronExpressionTests
{
    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [Theory]
    [InlineData("* * * * *", "2025-03-04T10:15:30Z", "2025-03-04T10:16:00Z")]
    [InlineData("*/15 * * * *", "2025-03-04T10:15:00Z", "2025-03-04T10:30:00Z")]
    [InlineData("5/20 * * * *", "2025-03-04T10:26:00Z", "2025-03-04T10:45:00Z")]
    [InlineData("0 9-17/4 * * *", "2025-03-04T13:00:00Z", "2025-03-04T17:00:00Z")]
    [InlineData("0 9 * * mon-fri", "2025-03-07T09:00:00Z", "2025-03-10T09:00:00Z")]
    [InlineData("0 0 * JAN,jul *", "2025-02-01T00:00:00Z", "2025-07-01T00:00:00Z")]
    [InlineData("@hourly", "2025-03-04T10:15:00Z", "2025-03-04T11:00:00Z")]
    [InlineData("@daily", "2025-03-04T10:15:00Z", "2025-03-05T00:00:00Z")]
    [InlineData("@weekly", "2025-03-04T10:15:00Z", "2025-03-09T00:00:00Z")]
    [InlineData("@monthly", "2025-03-04T10:15:00Z", "2025-04-01T00:00:00Z")]
    [InlineData("@yearly", "2025-03-04T10:15:00Z", "2026-01-01T00:00:00Z")]
    [InlineData("0 0 29 2 *", "2025-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("@every 90s", "2025-03-04T10:15:30.750Z", "2025-03-04T10:17:00Z")]
    public void Next_FindsTheFirstActivationAfter(string schedule, string after, string expected) =>
        Assert.Equal(Utc(expected), CronExpression.Parse(schedule).Next(Utc(after), TimeZoneInfo.Utc));

    [Fact]
    public void Next_DayOfMonthAndDayOfWeek_AreOredWhenBothRestricted_AndedWhenOneIsStar()
    {
        // 2025-03-04 is a Tuesday. "1,15 of the month or Fridays" next fires Friday the 7th.
        Assert.Equal(Utc("2025-03-07T00:00:00Z"), CronExpression.Parse("0 0 1,15 * 5").Next(Utc("2025-03-04T00:00:00Z"), TimeZoneInfo.Utc));
        // "Fridays" alone (day-of-month *): the 7th as well; "the 15th, any weekday": the 15th.
        Assert.Equal(Utc("2025-03-07T00:00:00Z"), CronExpression.Parse("0 0 * * 5").Next(Utc("2025-03-04T00:00:00Z"), TimeZoneInfo.Utc));
        Assert.Equal(Utc("2025-03-15T00:00:00Z"), CronExpression.Parse("0 0 15 * *").Next(Utc("2025-03-04T00:00:00Z"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Next_ReadsFieldsInTheZone_SkipsTimesLostToDaylightSaving()
    {
        var ny = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        // 09:00 in New York is 14:00 UTC in winter, 13:00 UTC in summer.
        Assert.Equal(Utc("2025-01-06T14:00:00Z"), CronExpression.Parse("0 9 * * *").Next(Utc("2025-01-06T00:00:00Z"), ny));
        Assert.Equal(Utc("2025-07-07T13:00:00Z"), CronExpression.Parse("TZ=America/New_York 0 9 * * *").Next(Utc("2025-07-07T00:00:00Z"), TimeZoneInfo.Utc));
        // 02:30 does not exist on 2025-03-09 in New York: the next is the 10th.
        Assert.Equal(Utc("2025-03-10T06:30:00Z"), CronExpression.Parse("30 2 * * *").Next(Utc("2025-03-09T00:00:00Z"), ny));
    }

    [Fact]
    public void Parse_RejectsWhatRobfigRejects()
    {
        Assert.Equal("expected exactly 5 fields, found 4: [* * * *]", Assert.Throws<FormatException>(() => CronExpression.Parse("* * * *")).Message);
        Assert.Throws<FormatException>(() => CronExpression.Parse("0 0 * * 7"));
        Assert.Throws<FormatException>(() => CronExpression.Parse("@fortnightly"));
        Assert.Null(CronExpression.Parse("0 0 31 2 *").Next(Utc("2025-01-01T00:00:00Z"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void MostRecentScheduleTime_FindsTheLatestMissedActivation_AndCountsMany()
    {
        var cj = new V1CronJob
        {
            Metadata = new V1ObjectMeta { Name = "c", CreationTimestamp = new DateTime(2025, 3, 4, 10, 0, 0, DateTimeKind.Utc) },
            Spec = new V1CronJobSpec { Schedule = "*/5 * * * *" },
            Status = new V1CronJobStatus(),
        };
        var schedule = CronExpression.Parse(cj.Spec.Schedule);
        var (_, recent, missed) = CronJobUtil.MostRecentScheduleTime(cj, Utc("2025-03-04T10:02:00Z"), schedule, TimeZoneInfo.Utc, true);
        Assert.Null(recent);
        (_, recent, missed) = CronJobUtil.MostRecentScheduleTime(cj, Utc("2025-03-04T10:07:00Z"), schedule, TimeZoneInfo.Utc, true);
        Assert.Equal((Utc("2025-03-04T10:05:00Z"), CronJobUtil.Missed.None), (recent!.Value, missed));
        (_, recent, missed) = CronJobUtil.MostRecentScheduleTime(cj, Utc("2025-03-05T10:07:00Z"), schedule, TimeZoneInfo.Utc, true);
        Assert.Equal((Utc("2025-03-05T10:05:00Z"), CronJobUtil.Missed.Many), (recent!.Value, missed));
        // A starting deadline moves the earliest time considered forward: only the recent few count.
        cj.Spec.StartingDeadlineSeconds = 600;
        (_, recent, missed) = CronJobUtil.MostRecentScheduleTime(cj, Utc("2025-03-05T10:07:00Z"), schedule, TimeZoneInfo.Utc, true);
        Assert.Equal((Utc("2025-03-05T10:05:00Z"), CronJobUtil.Missed.Few), (recent!.Value, missed));
    }

    [Fact]
    public void JobName_IsTheScheduledMinute()
    {
        var cj = new V1CronJob { Metadata = new V1ObjectMeta { Name = "backup" } };
        Assert.Equal("backup-29018060", CronJobUtil.JobName(cj, Utc("2025-03-04T10:20:00Z")));
    }
}
