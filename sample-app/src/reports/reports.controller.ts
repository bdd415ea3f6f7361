import { Body, Controller, Get, HttpCode, HttpStatus, NotFoundException, Param, Post } from '@nestjs/common';
import { InjectProducer, JobsAdmin, type JobState, type Producer } from '@nest-jobs/core';
import { BodyPipe } from '../common/body.pipe.js';
import { parseReportRequest, type ReportFile, type ReportRequest } from './report-request.js';
import { REPORTS_QUEUE, ReportJobs } from './report.jobs.js';

export interface ReportStatus {
  id: string;
  state: JobState;
  progress?: unknown;
  result?: ReportFile;
  /** Why the report failed (state `dead`). */
  error?: string;
}

@Controller('reports')
export class ReportsController {
  constructor(
    @InjectProducer(ReportJobs) private readonly reports: Producer<ReportJobs>,
    private readonly admin: JobsAdmin,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async create(@Body(new BodyPipe(parseReportRequest)) request: ReportRequest): Promise<{ jobId: string }> {
    const handle = await this.reports.enqueue('generate', request);
    return { jobId: handle.id };
  }

  @Get(':id')
  async status(@Param('id') id: string): Promise<ReportStatus> {
    const job = await this.admin.get(REPORTS_QUEUE, id);
    if (!job) throw new NotFoundException(`No report with id "${id}" (unknown, or removed after its retention period).`);
    const status: ReportStatus = { id: job.id, state: job.state };
    if (job.progress !== undefined) status.progress = job.progress;
    if (job.state === 'completed') status.result = job.result as ReportFile;
    if (job.state === 'dead') status.error = job.errors.at(-1)?.message;
    return status;
  }
}
