import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireTier } from '../../auth/access-tier';
import { BodyBadRequestDto } from '../dto/error.dto';
import { LayoutSavedDto, LeaderboardColumnDto, LeaderboardColumnInput, MetricsWidgetDto, MetricsWidgetInput } from '../dto/schema.dto';
import { invalidField, readBody, readListBody } from '../layout/layout-body';
import { ReportLayoutService } from '../layout/report-layout.service';
import { LeaderboardResponseCache } from '../leaderboard/leaderboard-response-cache';

const SAVED: LayoutSavedDto = { success: true };

/*
 * The editing routes the web app's starter keeps locally, served here so an organiser's layout
 * lives with the competition. They change what every visitor sees, so each needs an admin key;
 * the GETs stay public because the web app reads them.
 */

@ApiTags('layout')
@Controller('leaderboard/columns')
@ApiBadRequestResponse({ type: BodyBadRequestDto, description: 'The body or id is invalid; the message and `fields` name the field.' })
export class LeaderboardColumnsController {
  constructor(
    private readonly layout: ReportLayoutService,
    private readonly leaderboard: LeaderboardResponseCache,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The leaderboard columns, by order: as edited, or derived from the competition until edited' })
  @ApiOkResponse({ type: LeaderboardColumnDto, isArray: true })
  list(): Promise<LeaderboardColumnDto[]> {
    return this.layout.columns.list();
  }

  @RequireTier('admin')
  @Post()
  @ApiOperation({ summary: 'Adds a column (its id is assigned)' })
  @ApiBody({ type: LeaderboardColumnInput })
  @ApiOkResponse({ type: LeaderboardColumnDto, description: 'The column as stored, with its id.' })
  async add(@Body() body: unknown): Promise<LeaderboardColumnDto> {
    return this.edited(await this.layout.columns.add(withNulls(readBody(LeaderboardColumnInput, body))));
  }

  @RequireTier('admin')
  @Put()
  @HttpCode(200)
  @ApiOperation({ summary: 'Replaces every column (the web app saves its whole list this way)' })
  @ApiBody({ type: LeaderboardColumnDto, isArray: true })
  @ApiOkResponse({ type: LayoutSavedDto })
  async replace(@Body() body: unknown): Promise<LayoutSavedDto> {
    await this.layout.columns.replace(readListBody(LeaderboardColumnDto, body).map(withNulls));
    return this.edited(SAVED);
  }

  @RequireTier('admin')
  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Forgets the edits: the columns derived from the competition are served again' })
  @ApiOkResponse({ type: LayoutSavedDto })
  async reset(): Promise<LayoutSavedDto> {
    await this.layout.columns.reset();
    return this.edited(SAVED);
  }

  @RequireTier('admin')
  @Put(':id')
  @ApiOperation({ summary: 'Replaces one column' })
  @ApiBody({ type: LeaderboardColumnInput })
  @ApiOkResponse({ type: LeaderboardColumnDto })
  @ApiNotFoundResponse({ description: 'No column has this id.' })
  async update(@Param('id') id: string, @Body() body: unknown): Promise<LeaderboardColumnDto> {
    return this.edited(await this.layout.columns.update(layoutId(id), withNulls(readBody(LeaderboardColumnInput, body))));
  }

  @RequireTier('admin')
  @Delete(':id')
  @ApiOperation({ summary: 'Removes one column' })
  @ApiOkResponse({ type: LayoutSavedDto })
  @ApiNotFoundResponse({ description: 'No column has this id.' })
  async remove(@Param('id') id: string): Promise<LayoutSavedDto> {
    await this.layout.columns.remove(layoutId(id));
    return this.edited(SAVED);
  }

  /** Leaderboard rows carry every column's property: a changed layout rebuilds them. */
  private edited<T>(result: T): T {
    this.leaderboard.invalidate();
    return result;
  }
}

@ApiTags('layout')
@Controller('metrics/widgets')
@ApiBadRequestResponse({ type: BodyBadRequestDto, description: 'The body or id is invalid; the message and `fields` name the field.' })
export class MetricsWidgetsController {
  constructor(private readonly layout: ReportLayoutService) {}

  @Get()
  @ApiOperation({ summary: 'The chart widgets, by order: as edited, or derived from the competition until edited' })
  @ApiOkResponse({ type: MetricsWidgetDto, isArray: true })
  list(): Promise<MetricsWidgetDto[]> {
    return this.layout.widgets.list();
  }

  @RequireTier('admin')
  @Post()
  @ApiOperation({ summary: 'Adds a widget (its id is assigned)' })
  @ApiBody({ type: MetricsWidgetInput })
  @ApiOkResponse({ type: MetricsWidgetDto, description: 'The widget as stored, with its id.' })
  add(@Body() body: unknown): Promise<MetricsWidgetDto> {
    return this.layout.widgets.add(readBody(MetricsWidgetInput, body));
  }

  @RequireTier('admin')
  @Put()
  @HttpCode(200)
  @ApiOperation({ summary: 'Replaces every widget' })
  @ApiBody({ type: MetricsWidgetDto, isArray: true })
  @ApiOkResponse({ type: LayoutSavedDto })
  async replace(@Body() body: unknown): Promise<LayoutSavedDto> {
    await this.layout.widgets.replace(readListBody(MetricsWidgetDto, body));
    return SAVED;
  }

  @RequireTier('admin')
  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Forgets the edits: the widgets derived from the competition are served again' })
  @ApiOkResponse({ type: LayoutSavedDto })
  async reset(): Promise<LayoutSavedDto> {
    await this.layout.widgets.reset();
    return SAVED;
  }

  @RequireTier('admin')
  @Put(':id')
  @ApiOperation({ summary: 'Replaces one widget' })
  @ApiBody({ type: MetricsWidgetInput })
  @ApiOkResponse({ type: MetricsWidgetDto })
  @ApiNotFoundResponse({ description: 'No widget has this id.' })
  update(@Param('id') id: string, @Body() body: unknown): Promise<MetricsWidgetDto> {
    return this.layout.widgets.update(layoutId(id), readBody(MetricsWidgetInput, body));
  }

  @RequireTier('admin')
  @Delete(':id')
  @ApiOperation({ summary: 'Removes one widget' })
  @ApiOkResponse({ type: LayoutSavedDto })
  @ApiNotFoundResponse({ description: 'No widget has this id.' })
  async remove(@Param('id') id: string): Promise<LayoutSavedDto> {
    await this.layout.widgets.remove(layoutId(id));
    return SAVED;
  }
}

function layoutId(text: string): number {
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1) throw invalidField('id', 'must be a positive integer');
  return Number(text);
}

/** The web app reads `format`, `tooltip` and `nativeConfiguration` as a value or null: an omitted one is stored as null. */
function withNulls<T extends LeaderboardColumnInput>(column: T): T {
  return { ...column, format: column.format ?? null, tooltip: column.tooltip ?? null, nativeConfiguration: column.nativeConfiguration ?? null };
}
